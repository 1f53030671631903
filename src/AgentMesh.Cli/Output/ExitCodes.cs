namespace AgentMesh.Cli.Output;

/// <summary>What the <c>agentmesh</c> command returns to the shell.</summary>
internal static class ExitCodes
{
    /// <summary>Done; for <c>task watch</c> and <c>submit --wait</c>, the task succeeded.</summary>
    public const int Ok = 0;

    /// <summary>The node refused a request (its problem is printed to stderr), or a watched task did not succeed.</summary>
    public const int RequestFailed = 1;

    /// <summary>The command line is wrong.</summary>
    public const int BadUsage = 2;

    /// <summary>An offline command could not do its work (a missing key, file or setting); the reason is printed to stderr.</summary>
    public const int Failed = 4;

    /// <summary>An offline command did its work, but its audit entry could not be written; the reason is printed to stderr.</summary>
    public const int Unaudited = 5;

    /// <summary>The node could not be reached.</summary>
    public const int Unreachable = 3;

    /// <summary>Interrupted with Ctrl+C before the command finished.</summary>
    public const int Interrupted = 130;
}
