using System.Text;
using AgentMesh.Agents;
using AgentMesh.Events;
using AgentMesh.Keys;
using AgentMesh.Sqlite.Tables;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.Tenants;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite;

public sealed partial class SqliteMeshStore
{
    private const int MaxTaskPage = 1_000;
    private const int MaxEventPage = 10_000;

    // Must match the WHERE of the tasks_unfinished partial index for SQLite to use it.
    private const string Unfinished = "status IN ('pending', 'awaiting_approval', 'queued', 'running')";

    public async Task<IReadOnlyList<Tenant>> LoadTenantsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = TenantsTable.Select;
        return await ReadAllAsync(command, TenantsTable.Read, cancellationToken);
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> LoadKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = KeysTable.Select;
        return await ReadAllAsync(command, KeysTable.Read, cancellationToken);
    }

    public async Task<IReadOnlyList<AgentRecord>> LoadAgentsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = AgentsTable.Select;
        return await ReadAllAsync(command, AgentsTable.Read, cancellationToken);
    }

    public async Task<IReadOnlyList<MeshTask>> LoadUnfinishedTasksAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {TasksTable.SelectColumns} FROM tasks WHERE {Unfinished} ORDER BY id";
        return await ReadAllAsync(command, TasksTable.Read, cancellationToken);
    }

    public async Task<IReadOnlyList<IdempotencyEntry>> LoadIdempotencyKeysAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT tenant, idempotency_key, id, created_at FROM tasks
            WHERE idempotency_key IS NOT NULL AND created_at >= @since
            ORDER BY created_at
            """;
        command.Parameters.AddWithValue("@since", since.UtcTicks);
        return await ReadAllAsync(
            command,
            static reader => new IdempotencyEntry(reader.GetString(0), reader.GetString(1), reader.GetId(2), reader.GetTime(3)),
            cancellationToken);
    }

    public async Task<MeshTask?> GetTaskAsync(string tenant, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {TasksTable.SelectColumns} FROM tasks WHERE id = @id AND tenant = @tenant";
        command.Parameters.AddWithValue("@id", DbValue.Id(id));
        command.Parameters.AddWithValue("@tenant", tenant);
        var found = await ReadAllAsync(command, TasksTable.Read, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Newest first; <see cref="TaskQuery.Limit"/> is clamped to 1–1000.</summary>
    public async Task<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, MaxTaskPage);
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {TasksTable.SelectColumns} FROM tasks WHERE tenant = @tenant");
        command.Parameters.AddWithValue("@tenant", query.Tenant);
        Filter(command, sql, "status", query.Status?.ToWire());
        Filter(command, sql, "type", query.Type);
        Filter(command, sql, "agent_id", query.AgentId);
        Filter(command, sql, "correlation_id", query.CorrelationId);
        Filter(command, sql, "parent_task_id", query.ParentTaskId?.ToString());
        if (query.Cursor is { } cursor)
        {
            sql.Append(" AND id < @cursor");
            command.Parameters.AddWithValue("@cursor", DbValue.Id(cursor));
        }

        // One row past the page tells whether another page may follow.
        sql.Append(" ORDER BY id DESC LIMIT @limit");
        command.Parameters.AddWithValue("@limit", limit + 1);
        command.CommandText = sql.ToString();
        var items = await ReadAllAsync(command, TasksTable.Read, cancellationToken);
        if (items.Count <= limit)
        {
            return new TaskPage(items, null);
        }

        items.RemoveAt(limit);
        return new TaskPage(items, items[^1].Id);
    }

    /// <summary>Oldest first; <see cref="EventQuery.Limit"/> is clamped to 1–10000.</summary>
    public async Task<IReadOnlyList<MeshEvent>> ReadEventsAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {EventsTable.SelectColumns} FROM events");

        // With a task, its own index reads only that task's events; SQLite has no statistics to know that.
        sql.Append(query.TaskId is null ? " WHERE" : " INDEXED BY events_by_task WHERE task_id = @task AND");
        sql.Append(" tenant = @tenant AND sequence > @after");
        command.Parameters.AddWithValue("@tenant", query.Tenant);
        command.Parameters.AddWithValue("@after", query.AfterSequence);
        if (query.TaskId is { } taskId)
        {
            command.Parameters.AddWithValue("@task", DbValue.Id(taskId));
        }

        if (query.Types is { Count: > 0 } types)
        {
            sql.Append(" AND type IN (");
            var n = 0;
            foreach (var type in types)
            {
                sql.Append(n == 0 ? "@type0" : $", @type{n}");
                command.Parameters.AddWithValue($"@type{n}", type);
                n++;
            }

            sql.Append(')');
        }

        sql.Append(" ORDER BY sequence LIMIT @limit");
        command.Parameters.AddWithValue("@limit", Math.Clamp(query.Limit, 1, MaxEventPage));
        command.CommandText = sql.ToString();
        return await ReadAllAsync(command, EventsTable.Read, cancellationToken);
    }

    private static void Filter(SqliteCommand command, StringBuilder sql, string column, string? value)
    {
        if (value is not null)
        {
            sql.Append($" AND {column} = @{column}");
            command.Parameters.AddWithValue("@" + column, value);
        }
    }

    private static async Task<List<T>> ReadAllAsync<T>(SqliteCommand command, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(read(reader));
        }

        return items;
    }
}
