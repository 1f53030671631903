namespace AgentMesh.Cli.Audit;

/// <summary>An offline command did its work but its audit entry could not be written; exit code 5.</summary>
internal sealed class UnauditedException : Exception
{
    public UnauditedException()
    {
    }

    public UnauditedException(string message)
        : base(message)
    {
    }

    public UnauditedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
