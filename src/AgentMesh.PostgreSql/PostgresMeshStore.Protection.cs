using AgentMesh.PostgreSql.Rows;
using AgentMesh.Protection;
using Npgsql;
using NpgsqlTypes;

namespace AgentMesh.PostgreSql;

public sealed partial class PostgresMeshStore
{
    private const int ReencryptBatch = 256;

    /// <summary>
    /// Rewrites every task whose input or output is not under the protector's current key (older keys, or clear text
    /// written before encryption), a batch of rows per transaction, and returns how many tasks it rewrote. Safe while
    /// nodes run: a row is rewritten only if its version is still the one read, so a change a node made meanwhile is
    /// never overwritten, and a row a node holds locked is skipped rather than waited for, so the command never makes a
    /// node's commit fail (either row is left as the node wrote it and counted as skipped). Reads and writes across
    /// tenants under row-level security, as the engine does (tenant <c>*</c>).
    /// </summary>
    public async Task<int> ReencryptAsync(IProgress<ReencryptProgress>? progress, CancellationToken cancellationToken)
    {
        var scanned = 0;
        var rewritten = 0;
        var skipped = 0;
        var after = Guid.Empty;
        while (true)
        {
            var rows = await QueryAsync(
                AllTenants,
                Statements.Positional("SELECT id, version, input, output FROM tasks WHERE id > $1 ORDER BY id LIMIT $2", after, ReencryptBatch),
                static reader => (Id: reader.GetGuid(0), Version: reader.GetInt64(1), Input: reader.GetString(2), Output: reader.TextOrNull(3)),
                cancellationToken);
            if (rows.Count == 0)
            {
                return rewritten;
            }

            after = rows[^1].Id;
            scanned += rows.Count;
            var stale = rows.Where(row => !_protector.IsCurrent(row.Input) || (row.Output is not null && !_protector.IsCurrent(row.Output))).ToList();
            if (stale.Count > 0)
            {
                var written = await RewriteAsync(stale, cancellationToken);
                rewritten += written;
                skipped += stale.Count - written;
            }

            progress?.Report(new ReencryptProgress(scanned, rewritten, skipped));
        }
    }

    private async Task<int> RewriteAsync(List<(Guid Id, long Version, string Input, string? Output)> rows, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Scope(AllTenants));

        // The version check is the compare-and-set: every write of a node raises it, so the newer write wins. A row a
        // node holds locked right now is skipped, never waited for: waiting on rows the leader locks in its own order
        // while holding this page's would let PostgreSQL break the deadlock by failing the leader's commit.
        var update = new NpgsqlBatchCommand(
            """
            WITH free AS MATERIALIZED (SELECT id FROM tasks WHERE id = ANY($1) FOR UPDATE SKIP LOCKED)
            UPDATE tasks AS t SET input = u.input, output = u.output
            FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[]) AS u(id, version, input, output)
            WHERE t.id = u.id AND t.version = u.version AND t.id IN (SELECT id FROM free)
            """);
        update.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. rows.Select(static row => row.Id)] });
        update.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(static row => row.Version)] });
        update.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(row => _protector.Protect(_protector.Unprotect(row.Input)))] });
        update.Parameters.Add(new NpgsqlParameter { Value = rows.Select(row => row.Output is null ? null : _protector.Protect(_protector.Unprotect(row.Output))).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        batch.BatchCommands.Add(update);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return update.RecordsAffected;
    }
}
