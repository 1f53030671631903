namespace AgentMesh.Cli.Output;

/// <summary>The command line asks for something impossible (two inputs, a malformed <c>--label</c>); exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
