using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite;

public sealed partial class SqliteMeshStore
{
    private readonly CancellationTokenSource _checkpointStop = new();
    private Task? _checkpointLoop;

    /// <summary>
    /// Copies the write-ahead log into the database file from a connection of its own. SQLite would
    /// otherwise do that inside whichever commit crosses its threshold, and that commit — with every
    /// operation grouped into it — would wait for the copy and its fsync. A passive checkpoint runs
    /// alongside commits, never blocks them, and lets the writer restart the log once it has caught up.
    /// </summary>
    private async Task CheckpointLoopAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_writeConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}";
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (SqliteException exception)
                {
                    SqliteStoreLog.CheckpointFailed(_logger, _path, exception);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task StopCheckpointsAsync()
    {
        await _checkpointStop.CancelAsync();
        if (_checkpointLoop is { } loop)
        {
            await loop;
        }

        _checkpointStop.Dispose();
    }
}
