using System.Text;
using AgentMesh.Agents;
using AgentMesh.Engine;
using AgentMesh.Events;
using AgentMesh.Keys;
using AgentMesh.PostgreSql.Rows;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.Tenants;
using Npgsql;

namespace AgentMesh.PostgreSql;

public sealed partial class PostgresMeshStore
{
    private const int MaxTaskPage = 1_000;
    private const int MaxEventPage = 10_000;

    private static readonly string UnfinishedTasks =
        $"SELECT {TaskRows.SelectColumns} FROM tasks WHERE status IN ('pending', 'awaiting_approval', 'queued', 'running') ORDER BY id";

    private static readonly string TaskById = $"SELECT {TaskRows.SelectColumns} FROM tasks WHERE id = $1 AND tenant = $2";

    /// <inheritdoc />
    public Task<IReadOnlyList<Tenant>> LoadTenantsAsync(CancellationToken cancellationToken) =>
        QueryAsync(AllTenants, new NpgsqlBatchCommand(DirectoryRows.SelectTenants), DirectoryRows.ReadTenant, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKeyRecord>> LoadKeysAsync(CancellationToken cancellationToken) =>
        QueryAsync(AllTenants, new NpgsqlBatchCommand(DirectoryRows.SelectKeys), DirectoryRows.ReadKey, cancellationToken);

    /// <summary>One tenant by id, or null; what a node that does not hold the directory in memory reads on a cache miss.</summary>
    public Task<Tenant?> GetTenantAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return QueryOneAsync(AllTenants, Statements.Positional(DirectoryRows.SelectTenants + " WHERE id = $1", id), DirectoryRows.ReadTenant, cancellationToken);
    }

    /// <summary>One API key by id (revoked or not), or null; what a node that does not hold the directory in memory reads on a cache miss.</summary>
    public Task<ApiKeyRecord?> GetKeyAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return QueryOneAsync(AllTenants, Statements.Positional(DirectoryRows.SelectKeys + " WHERE id = $1", id), DirectoryRows.ReadKey, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AgentRecord>> LoadAgentsAsync(CancellationToken cancellationToken) =>
        QueryAsync(AllTenants, new NpgsqlBatchCommand(DirectoryRows.SelectAgents), DirectoryRows.ReadAgent, cancellationToken);

    /// <summary>Every task not in a terminal status, in id order.</summary>
    public Task<IReadOnlyList<MeshTask>> LoadUnfinishedTasksAsync(CancellationToken cancellationToken) =>
        QueryAsync(AllTenants, new NpgsqlBatchCommand(UnfinishedTasks), ReadTask, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<IdempotencyEntry>> LoadIdempotencyKeysAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        QueryAsync(
            AllTenants,
            Statements.Positional(
                "SELECT tenant, idempotency_key, id, created_at FROM tasks WHERE idempotency_key IS NOT NULL AND created_at >= $1 ORDER BY created_at",
                since.UtcTicks),
            static reader => new IdempotencyEntry(reader.GetString(0), reader.GetString(1), reader.GetGuid(2), reader.Time(3)),
            cancellationToken);

    /// <inheritdoc />
    public Task<MeshTask?> GetTaskAsync(string tenant, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return QueryOneAsync(tenant, Statements.Positional(TaskById, id, tenant), ReadTask, cancellationToken);
    }

    /// <summary>Newest first; <see cref="TaskQuery.Limit"/> is clamped to 1–1000.</summary>
    public async Task<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, MaxTaskPage);
        var sql = new StringBuilder($"SELECT {TaskRows.SelectColumns} FROM tasks WHERE tenant = $1");
        var values = new List<object?> { query.Tenant };
        Filter("status", query.Status?.ToWire());
        Filter("type", query.Type);
        Filter("agent_id", query.AgentId);
        Filter("correlation_id", query.CorrelationId);
        Filter("parent_task_id", query.ParentTaskId);
        Filter("id <", query.Cursor);
        values.Add(limit + 1);
        sql.Append(" ORDER BY id DESC LIMIT $").Append(values.Count);

        var items = (List<MeshTask>)await QueryAsync(query.Tenant, Statements.Positional(sql.ToString(), [.. values]), ReadTask, cancellationToken);
        if (items.Count <= limit)
        {
            return new TaskPage(items, null);
        }

        items.RemoveAt(limit);
        return new TaskPage(items, items[^1].Id);

        void Filter(string column, object? value)
        {
            if (value is not null)
            {
                values.Add(value);
                sql.Append(" AND ").Append(column).Append(column.EndsWith('<') ? " $" : " = $").Append(values.Count);
            }
        }
    }

    /// <summary>Oldest first; <see cref="EventQuery.Limit"/> is clamped to 1–10000.</summary>
    public Task<IReadOnlyList<MeshEvent>> ReadEventsAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder($"SELECT {EventRows.SelectColumns} FROM events WHERE tenant = $1 AND sequence > $2");
        var values = new List<object?> { query.Tenant, query.AfterSequence };
        if (query.TaskId is { } taskId)
        {
            values.Add(taskId);
            sql.Append(" AND task_id = $").Append(values.Count);
        }

        if (query.Types is { Count: > 0 } types)
        {
            values.Add(types.ToArray());
            sql.Append(" AND type = ANY($").Append(values.Count).Append(')');
        }

        values.Add(Math.Clamp(query.Limit, 1, MaxEventPage));
        sql.Append(" ORDER BY sequence LIMIT $").Append(values.Count);
        return QueryAsync(query.Tenant, Statements.Positional(sql.ToString(), [.. values]), EventRows.Read, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MeshEvent>> ReadOutboxAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            AllTenants,
            Statements.Positional($"SELECT {EventRows.SelectColumns} FROM events WHERE sequence > $1 ORDER BY sequence LIMIT $2", afterSequence, Math.Clamp(limit, 1, MaxEventPage)),
            EventRows.Read,
            cancellationToken);

    /// <inheritdoc />
    public async Task<long> LastSequenceAsync(CancellationToken cancellationToken)
    {
        var last = await QueryAsync(AllTenants, new NpgsqlBatchCommand(EventRows.LastSequence), static reader => reader.GetInt64(0), cancellationToken);
        return last.Count == 0 ? 0 : last[0];
    }

    /// <inheritdoc />
    public async Task<long> LoadCursorAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var found = await QueryAsync(AllTenants, Statements.Positional("SELECT sequence FROM outbox_cursors WHERE name = $1", name), static reader => reader.GetInt64(0), cancellationToken);
        return found.Count == 0 ? 0 : found[0];
    }

    /// <inheritdoc />
    public async Task SaveCursorAsync(string name, long sequence, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        await QueryAsync(
            AllTenants,
            Statements.Positional(
                """
                INSERT INTO outbox_cursors (name, sequence) VALUES ($1, $2)
                ON CONFLICT (name) DO UPDATE SET sequence = GREATEST(outbox_cursors.sequence, excluded.sequence)
                """,
                name,
                sequence),
            static _ => 0,
            cancellationToken);
    }

    private MeshTask ReadTask(NpgsqlDataReader reader) => TaskRows.Read(reader, _protector);

    /// <summary>The first row <paramref name="query"/> finds, or null.</summary>
    private async Task<T?> QueryOneAsync<T>(string tenant, NpgsqlBatchCommand query, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        var found = await QueryAsync(tenant, query, read, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>
    /// Runs one statement in a transaction confined to <paramref name="tenant"/> and reads every row, through the
    /// reads pipeline (timeout, retry of transient failures, breaker). PostgreSQL out of reach, slow past the timeout
    /// or behind an open breaker is a <see cref="StoreUnavailableException"/> (the API answers 503), not a failure of
    /// the node.
    /// </summary>
    private async Task<IReadOnlyList<T>> QueryAsync<T>(string tenant, NpgsqlBatchCommand query, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        try
        {
            return await _reads.ExecuteAsync(
                static (state, token) => new ValueTask<IReadOnlyList<T>>(state.Store.ReadAttemptAsync(state.Tenant, state.Query, state.Read, token)),
                (Store: this, Tenant: tenant, Query: query, Read: read),
                cancellationToken);
        }
        catch (Exception exception) when (IsUnavailable(exception) && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException("The store could not be read.", exception);
        }
    }

    private async Task<IReadOnlyList<T>> ReadAttemptAsync<T>(string tenant, NpgsqlBatchCommand query, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await SettledAsync(_readTimeout, cancellationToken);
        return await BoundedRead(QueryCoreAsync(tenant, query, read, cancellationToken), cancellationToken);
    }

    private async Task<IReadOnlyList<T>> QueryCoreAsync<T>(string tenant, NpgsqlBatchCommand query, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Scope(tenant));
        batch.BatchCommands.Add(query);
        var items = new List<T>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(read(reader));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return items;
    }
}
