namespace AgentMesh.Server.Logging;

/// <summary>How the node writes its log to standard output.</summary>
public enum LogFormat
{
    /// <summary>ASP.NET Core's console lines, for a person at a terminal.</summary>
    Text,

    /// <summary>One JSON object per line, for a log shipper.</summary>
    Json,
}
