using AgentMesh.Engine;
using AgentMesh.Events;
using AgentMesh.PostgreSql.Rows;
using AgentMesh.Protection;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using Npgsql;

namespace AgentMesh.PostgreSql;

public sealed partial class PostgresMeshStore
{
    /// <summary>
    /// Writes the change sets in one transaction, sent as one batch: tenants, keys and agents row by row, tasks
    /// as one multi-row upsert (new) and one multi-row update (later versions), events numbered from the
    /// shared sequence row. Each task is written once, at the highest version the call holds. On failure the
    /// transaction rolls back and the exception propagates. The call goes through the commits pipeline (timeout and
    /// breaker, never a retry: a commit that timed out may have landed, and the engine reloads after a failure);
    /// PostgreSQL out of reach, too slow or behind an open breaker is a <see cref="StoreUnavailableException"/>.
    /// </summary>
    public async Task CommitAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return;
        }

        try
        {
            await _commits.ExecuteAsync(
                static (state, token) => new ValueTask(state.Store.BoundedCommit(ct => state.Store.CommitCoreAsync(state.Changes, ct), token)),
                (Store: this, Changes: changes),
                cancellationToken);
        }
        catch (Exception exception) when (IsUnavailable(exception) && !cancellationToken.IsCancellationRequested)
        {
            PostgresStoreLog.CommitFailed(_logger, changes.Count, exception);
            throw new StoreUnavailableException("The store did not take the commit.", exception);
        }
        catch (Exception exception)
        {
            PostgresStoreLog.CommitFailed(_logger, changes.Count, exception);
            throw;
        }
    }

    private async Task CommitCoreAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var plan = Plan(changes, batch, Fence, _protector);
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await ReadResultsAsync(reader, plan, cancellationToken);
        }

        if (plan.Missing is { Count: > 0 } missing)
        {
            await WriteMissingAsync(connection, transaction, missing, _protector, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Number(plan, changes);
    }

    private static CommitPlan Plan(IReadOnlyList<ChangeSet> changes, NpgsqlBatch batch, LeaderFence? fence, IPayloadProtector protector)
    {
        batch.BatchCommands.Add(Scope(AllTenants));
        if (fence is not null)
        {
            batch.BatchCommands.Add(FenceCommand(fence));
        }

        // The newest snapshot of each task, and whether the call creates it.
        var newest = new Dictionary<Guid, (MeshTask Task, bool Created)>();
        var events = new List<MeshEvent>();
        foreach (var change in changes)
        {
            ArgumentNullException.ThrowIfNull(change, nameof(changes));
            foreach (var tenant in change.Tenants)
            {
                batch.BatchCommands.Add(DirectoryRows.Put(tenant));
            }

            foreach (var key in change.Keys)
            {
                batch.BatchCommands.Add(DirectoryRows.Put(key));
            }

            foreach (var agent in change.Agents)
            {
                batch.BatchCommands.Add(DirectoryRows.Put(agent));
            }

            foreach (var task in change.Tasks)
            {
                ArgumentNullException.ThrowIfNull(task, nameof(changes));
                var created = change.IsCreated(task.Id) || task.Version == 1;
                if (newest.TryGetValue(task.Id, out var known))
                {
                    newest[task.Id] = (known.Task.Version >= task.Version ? known.Task : task, known.Created || created);
                }
                else
                {
                    newest[task.Id] = (task, created);
                }
            }

            foreach (var meshEvent in change.Events)
            {
                ArgumentNullException.ThrowIfNull(meshEvent, nameof(changes));
                events.Add(meshEvent);
            }
        }

        var inserts = new TaskRows();
        var updates = new TaskRows();
        foreach (var (task, created) in newest.Values)
        {
            (created ? inserts : updates).Add(task);
        }

        if (inserts.Count > 0)
        {
            batch.BatchCommands.Add(inserts.ToCommand(full: true, protector));
        }

        if (updates.Count > 0)
        {
            batch.BatchCommands.Add(updates.ToCommand(full: false, protector));
        }

        if (events.Count > 0)
        {
            batch.BatchCommands.Add(EventRows.ToInsert(events));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(EventRows.LastSequence));
        }

        return new CommitPlan(updates, events.Count);
    }

    /// <summary>Walks the batch's results: the ids the task update wrote (column <c>id</c>) and the last sequence (column <c>last</c>).</summary>
    private static async Task ReadResultsAsync(NpgsqlDataReader reader, CommitPlan plan, CancellationToken cancellationToken)
    {
        var written = new HashSet<Guid>();
        do
        {
            if (reader.FieldCount != 1)
            {
                continue;
            }

            switch (reader.GetName(0))
            {
                case "id":
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        written.Add(reader.GetGuid(0));
                    }

                    break;
                case "last":
                    await reader.ReadAsync(cancellationToken);
                    plan.LastSequence = reader.GetInt64(0);
                    break;
            }
        }
        while (await reader.NextResultAsync(cancellationToken));

        if (written.Count < plan.Updates.Count)
        {
            plan.Missing = [.. plan.Updates.Tasks.Where(t => !written.Contains(t.Id))];
        }
    }

    /// <summary>
    /// Later versions the update did not write: the stored row is newer (nothing to do), or there is no row,
    /// as when an earlier write was lost with a failed commit (write the whole snapshot).
    /// </summary>
    private static async Task WriteMissingAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<MeshTask> missing, IPayloadProtector protector, CancellationToken cancellationToken)
    {
        var rows = new TaskRows();
        foreach (var task in missing)
        {
            rows.Add(task);
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(rows.ToCommand(full: true, protector));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Number(CommitPlan plan, IReadOnlyList<ChangeSet> changes)
    {
        var sequence = plan.LastSequence - plan.EventCount;
        foreach (var change in changes)
        {
            foreach (var meshEvent in change.Events)
            {
                meshEvent.Sequence = ++sequence;
            }
        }
    }

    private sealed class CommitPlan(TaskRows updates, int eventCount)
    {
        public TaskRows Updates { get; } = updates;

        public int EventCount { get; } = eventCount;

        public List<MeshTask>? Missing { get; set; }

        public long LastSequence { get; set; }
    }
}
