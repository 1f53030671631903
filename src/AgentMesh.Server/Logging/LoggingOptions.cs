namespace AgentMesh.Server.Logging;

/// <summary>Log settings, bound from <c>AgentMesh:Logging</c>; levels stay under the standard <c>Logging:LogLevel:*</c>.</summary>
public sealed class LoggingOptions
{
    public const string Section = "AgentMesh:Logging";

    /// <summary><c>text</c> or <c>json</c>. Default <c>text</c>.</summary>
    public LogFormat Format { get; set; } = LogFormat.Text;
}
