using AgentMesh.Protection;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite;

public sealed partial class SqliteMeshStore
{
    // How many of the newest tasks are decrypted at open: enough to catch a missing or wrong key before the node serves.
    private const int CheckedTasks = 64;

    private const int ReencryptBatch = 256;

    /// <summary>
    /// Rewrites every task whose input or output is not under the protector's current key (older keys, or clear text
    /// written before encryption), in batches of one transaction each, and returns how many tasks it rewrote. Meant for a
    /// store no node is running on: a node keeps writing with the key it started with.
    /// </summary>
    public async Task<int> ReencryptAsync(IProgress<ReencryptProgress>? progress, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var write = _write ?? throw NotInitialized();
            var scanned = 0;
            var rewritten = 0;
            var after = string.Empty;
            while (true)
            {
                var batch = new List<(string Id, string Input, string? Output)>(ReencryptBatch);
                await using (var select = write.CreateCommand())
                {
                    select.CommandText = "SELECT id, input, output FROM tasks WHERE id > @after ORDER BY id LIMIT @limit";
                    select.Parameters.AddWithValue("@after", after);
                    select.Parameters.AddWithValue("@limit", ReencryptBatch);
                    await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        batch.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
                    }
                }

                if (batch.Count == 0)
                {
                    return rewritten;
                }

                after = batch[^1].Id;
                scanned += batch.Count;
                rewritten += await RewriteAsync(write, batch, cancellationToken);
                progress?.Report(new ReencryptProgress(scanned, rewritten, Skipped: 0));
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<int> RewriteAsync(SqliteConnection write, List<(string Id, string Input, string? Output)> batch, CancellationToken cancellationToken)
    {
        await using var transaction = write.BeginTransaction();
        await using var update = write.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE tasks SET input = @input, output = @output WHERE id = @id";
        var id = update.Parameters.Add("@id", SqliteType.Text);
        var input = update.Parameters.Add("@input", SqliteType.Text);
        var output = update.Parameters.Add("@output", SqliteType.Text);
        var rewritten = 0;
        foreach (var row in batch)
        {
            if (_protector.IsCurrent(row.Input) && (row.Output is null || _protector.IsCurrent(row.Output)))
            {
                continue;
            }

            id.Value = row.Id;
            input.Value = _protector.Protect(_protector.Unprotect(row.Input));
            output.Value = row.Output is null ? DBNull.Value : _protector.Protect(_protector.Unprotect(row.Output));
            await update.ExecuteNonQueryAsync(cancellationToken);
            rewritten++;
        }

        await transaction.CommitAsync(cancellationToken);
        return rewritten;
    }

    /// <summary>Decrypts the newest tasks, so a missing or wrong key stops the start with its name instead of failing reads later.</summary>
    private async Task CheckProtectionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT input, output FROM tasks ORDER BY id DESC LIMIT @limit";
        command.Parameters.AddWithValue("@limit", CheckedTasks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _protector.Unprotect(reader.GetString(0));
            if (!reader.IsDBNull(1))
            {
                _protector.Unprotect(reader.GetString(1));
            }
        }
    }
}
