using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Sqlite.Schema;

/// <summary>
/// The schema as an ordered list of migrations, recorded in <c>schema_version</c>. Only ever append: a
/// released migration is never edited.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "tenants, api keys, agents, tasks and events", InitialSchema.Sql),
        new(2, "outbox relay cursors", OutboxCursorsSchema.Sql),
    ];

    public static int Latest => All[^1].Version;

    /// <summary>Brings the database to <see cref="Latest"/>; returns the version it was at (0 when new) and the one it is at.</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer version.</exception>
    public static async Task<(int From, int To)> ApplyAsync(SqliteConnection connection, string path, ILogger logger, CancellationToken cancellationToken)
    {
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)";
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var current = await CurrentAsync(connection, transaction: null, cancellationToken);
        var found = current;
        RefuseNewer(current, path);
        foreach (var migration in All)
        {
            if (migration.Version <= current)
            {
                continue;
            }

            // BEGIN IMMEDIATE: a second process migrating the same file waits here, then sees the step done.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            current = await CurrentAsync(connection, transaction, cancellationToken);
            RefuseNewer(current, path);
            if (migration.Version <= current)
            {
                continue;
            }

            await using (var step = connection.CreateCommand())
            {
                step.Transaction = transaction;
                step.CommandText = migration.Sql;
                await step.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES (@version, CAST(strftime('%s', 'now') AS INTEGER))";
                record.Parameters.AddWithValue("@version", migration.Version);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            current = migration.Version;
            SqliteStoreLog.MigrationApplied(logger, migration.Version, migration.Description, path);
        }

        return (found, current);
    }

    private static async Task<int> CurrentAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    private static void RefuseNewer(int current, string path)
    {
        if (current > Latest)
        {
            throw new InvalidOperationException(
                $"The database '{path}' has schema version {current}, but this build of AgentMesh knows versions up to {Latest}. " +
                "It was written by a newer AgentMesh; run that version or newer, or restore a backup.");
        }
    }
}
