namespace AgentMesh.Client.Worker;

/// <summary>Thrown by a handler to fail its task with a stable code and say whether a retry may help.</summary>
public sealed class AgentTaskException : Exception
{
    private const string DefaultCode = "task_failed";

    /// <summary>A retryable failure with code <c>task_failed</c>.</summary>
    public AgentTaskException()
        : this(DefaultCode, "The task failed.")
    {
    }

    /// <summary>A retryable failure with code <c>task_failed</c>.</summary>
    public AgentTaskException(string message)
        : this(DefaultCode, message)
    {
    }

    /// <summary>A retryable failure with code <c>task_failed</c>.</summary>
    public AgentTaskException(string message, Exception innerException)
        : this(DefaultCode, message, retryable: true, innerException)
    {
    }

    /// <summary>A failure with a code of your choosing.</summary>
    /// <param name="code">Stable, machine-readable code, such as <c>invalid_input</c>.</param>
    /// <param name="message">Human-readable message.</param>
    /// <param name="retryable">Whether another attempt may succeed; <see langword="true"/> by default.</param>
    /// <param name="innerException">The cause; none by default.</param>
    public AgentTaskException(string code, string message, bool retryable = true, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        Code = code;
        Retryable = retryable;
    }

    /// <summary>The error code reported to the node.</summary>
    public string Code { get; }

    /// <summary>Whether the node may retry the task.</summary>
    public bool Retryable { get; }
}
