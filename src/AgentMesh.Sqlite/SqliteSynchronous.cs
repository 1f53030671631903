namespace AgentMesh.Sqlite;

/// <summary>The SQLite <c>synchronous</c> setting the store writes with (the database always runs in WAL mode).</summary>
public enum SqliteSynchronous
{
    /// <summary>Every commit is synced to disk before it is acknowledged: it survives power loss and an operating system crash. The default.</summary>
    Full,

    /// <summary>Commits are synced at checkpoints only: they survive a crash of the process, but the last ones may be lost on power loss.</summary>
    Normal,
}
