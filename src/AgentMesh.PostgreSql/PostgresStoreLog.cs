using Microsoft.Extensions.Logging;

namespace AgentMesh.PostgreSql;

/// <summary>The PostgreSQL store's log messages, event ids 2200–2299.</summary>
internal static partial class PostgresStoreLog
{
    [LoggerMessage(EventId = 2200, Level = LogLevel.Information, Message = "Opened the PostgreSQL store {Database} on {Host}: schema version {SchemaVersion}, last event sequence {Sequence}")]
    public static partial void Opened(ILogger logger, string database, string host, int schemaVersion, long sequence);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Description}) to {Database}")]
    public static partial void MigrationApplied(ILogger logger, int version, string description, string database);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Error, Message = "A commit of {ChangeSets} change sets failed and was rolled back")]
    public static partial void CommitFailed(ILogger logger, int changeSets, Exception exception);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "The PostgreSQL store did not answer a ping")]
    public static partial void PingFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Debug, Message = "The PostgreSQL store has no schema yet; migrations have not run")]
    public static partial void PingBeforeMigrations(ILogger logger);
}
