using Microsoft.Extensions.Logging;

namespace AgentMesh.Sqlite;

/// <summary>The embedded store's log messages, event ids 2100–2199.</summary>
internal static partial class SqliteStoreLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Opened the SQLite store at {Path}: schema version {SchemaVersion}, synchronous {Synchronous}, last event sequence {Sequence}")]
    public static partial void Opened(ILogger logger, string path, int schemaVersion, SqliteSynchronous synchronous, long sequence);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Description}) to {Path}")]
    public static partial void MigrationApplied(ILogger logger, int version, string description, string path);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "A commit of {ChangeSets} change sets failed and was rolled back")]
    public static partial void CommitFailed(ILogger logger, int changeSets, Exception exception);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "The SQLite store did not answer a ping")]
    public static partial void PingFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Checkpointing the write-ahead log of {Path} failed")]
    public static partial void CheckpointFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Closed the SQLite store at {Path}")]
    public static partial void Closed(ILogger logger, string path);
}
