using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgentMesh.PostgreSql.Schema;

/// <summary>
/// The schema as an ordered list of migrations, recorded in <c>schema_version</c>. Only ever append: a
/// released migration is never edited. Nodes starting together take a transaction-scoped advisory lock,
/// so one migrates and the others then find the work done.
/// </summary>
internal static class Migrations
{
    // An arbitrary constant that names AgentMesh's migration lock among the database's advisory locks.
    private const long LockKey = 0x41474D_4D4947;

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "tenants, api keys, agents, tasks, events, outbox cursors and row-level security", InitialSchema.Sql),
        new(2, "cluster leader lease and commit fence", ClusterSchema.Sql),
    ];

    public static int Latest => All[^1].Version;

    /// <summary>Brings the database to <see cref="Latest"/>; returns the version it was at (0 when new) and the one it is at.</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer version.</exception>
    public static async Task<(int From, int To)> ApplyAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(
            """
            SELECT pg_advisory_xact_lock(@key);
            CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            """,
            connection,
            transaction))
        {
            command.Parameters.AddWithValue("key", LockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        int current;
        await using (var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, transaction))
        {
            current = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        var found = current;
        if (current > Latest)
        {
            throw new InvalidOperationException(
                $"The database '{connection.Database}' has schema version {current}, newer than this AgentMesh knows ({Latest}): upgrade AgentMesh.");
        }

        foreach (var migration in All)
        {
            if (migration.Version <= current)
            {
                continue;
            }

            await using (var step = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await step.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version) VALUES (@version)", connection, transaction))
            {
                record.Parameters.AddWithValue("version", migration.Version);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            current = migration.Version;
            PostgresStoreLog.MigrationApplied(logger, migration.Version, migration.Description, connection.Database);
        }

        await transaction.CommitAsync(cancellationToken);
        return (found, current);
    }
}
