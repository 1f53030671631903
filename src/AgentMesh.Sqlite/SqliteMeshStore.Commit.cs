using AgentMesh.Sqlite.Tables;
using AgentMesh.Storage;

namespace AgentMesh.Sqlite;

public sealed partial class SqliteMeshStore
{
    /// <summary>
    /// Writes the change sets in one transaction and numbers their events from the last committed
    /// sequence. On failure the transaction rolls back, the events' sequences are reset to 0, the next
    /// commit reuses the numbers, and the exception propagates.
    /// </summary>
    /// <remarks>
    /// The statements run synchronously on the caller's thread: Microsoft.Data.Sqlite does no asynchronous
    /// I/O, and its Async methods would only add a task per row. Cancellation is observed before the
    /// transaction starts, not inside it.
    /// </remarks>
    public async Task CommitAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var writes = _writes ?? throw NotInitialized();
            if (changes.Count == 0)
            {
                return;
            }

            var sequence = _lastSequence;
            using var transaction = _write!.BeginTransaction();
            try
            {
                writes.Enlist(transaction);
                for (var i = 0; i < changes.Count; i++)
                {
                    sequence = Write(writes, changes[i], sequence);
                }

                transaction.Commit();
            }
            catch (Exception exception)
            {
                ForgetSequences(changes);
                SqliteStoreLog.CommitFailed(_logger, changes.Count, exception);
                throw;
            }

            _lastSequence = sequence;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static long Write(PreparedWrites writes, ChangeSet change, long sequence)
    {
        foreach (var tenant in change.Tenants)
        {
            writes.Tenants.Put(tenant);
        }

        foreach (var key in change.Keys)
        {
            writes.Keys.Put(key);
        }

        foreach (var agent in change.Agents)
        {
            writes.Agents.Put(agent);
        }

        var tasks = change.Tasks;
        for (var i = 0; i < tasks.Count; i++)
        {
            writes.Tasks.Put(tasks[i], change.IsCreated(tasks[i].Id));
        }

        var events = change.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var meshEvent = events[i];
            writes.Events.Add(meshEvent, ++sequence);
            meshEvent.Sequence = sequence;
        }

        return sequence;
    }

    private static void ForgetSequences(IReadOnlyList<ChangeSet> changes)
    {
        foreach (var change in changes)
        {
            foreach (var meshEvent in change?.Events ?? [])
            {
                meshEvent?.Sequence = 0;
            }
        }
    }
}
