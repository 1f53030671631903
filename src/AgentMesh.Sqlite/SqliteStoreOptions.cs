namespace AgentMesh.Sqlite;

/// <summary>Where the embedded store keeps its database and how durably it commits. Configuration section <c>AgentMesh:Sqlite</c>.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file, relative to the working directory or absolute; its folder is created if missing. Default <c>./data/agentmesh.db</c>.</summary>
    public string Path { get; set; } = "./data/agentmesh.db";

    /// <summary>How far a commit is flushed before it is acknowledged. Default <see cref="SqliteSynchronous.Full"/>.</summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>
    /// How often the write-ahead log is copied into the database file, in the background, off the commit path.
    /// Default 1 s.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);
}
