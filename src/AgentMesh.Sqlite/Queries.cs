using System.Text;
using AgentMesh.Sqlite.Tables;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite;

/// <summary>The read queries, composed onto a command; each is shaped to use one of the schema's indexes.</summary>
internal static class Queries
{
    public const int MaxTaskPage = 1_000;
    public const int MaxEventPage = 10_000;

    // Must match the WHERE of the tasks_unfinished partial index for SQLite to use it.
    public static readonly string UnfinishedTasks =
        $"SELECT {TasksTable.SelectColumns} FROM tasks WHERE status IN ('pending', 'awaiting_approval', 'queued', 'running') ORDER BY id";

    public static readonly string TaskById = $"SELECT {TasksTable.SelectColumns} FROM tasks WHERE id = @id AND tenant = @tenant";

    public static readonly string Outbox = $"SELECT {EventsTable.SelectColumns} FROM events WHERE sequence > @after ORDER BY sequence LIMIT @limit";

    public const string LoadCursor = "SELECT sequence FROM outbox_cursors WHERE name = @name";

    // The WHERE keeps a cursor from moving backwards, whatever order relays save in.
    public const string SaveCursor = """
        INSERT INTO outbox_cursors (name, sequence) VALUES (@name, @sequence)
        ON CONFLICT (name) DO UPDATE SET sequence = excluded.sequence WHERE excluded.sequence > outbox_cursors.sequence
        """;

    public const string IdempotencyKeys = """
        SELECT tenant, idempotency_key, id, created_at FROM tasks
        WHERE idempotency_key IS NOT NULL AND created_at >= @since
        ORDER BY created_at
        """;

    /// <summary>A page of tasks, newest first, fetching one row more than <paramref name="limit"/> to tell whether another page follows.</summary>
    public static void ListTasks(SqliteCommand command, TaskQuery query, int limit)
    {
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

        sql.Append(" ORDER BY id DESC LIMIT @limit");
        command.Parameters.AddWithValue("@limit", limit + 1);
        command.CommandText = sql.ToString();
    }

    public static void ReadEvents(SqliteCommand command, EventQuery query)
    {
        var sql = new StringBuilder($"SELECT {EventsTable.SelectColumns} FROM events");

        // With a task, its own index reads only that task's events; without statistics SQLite cannot know that.
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
    }

    private static void Filter(SqliteCommand command, StringBuilder sql, string column, string? value)
    {
        if (value is not null)
        {
            sql.Append($" AND {column} = @{column}");
            command.Parameters.AddWithValue("@" + column, value);
        }
    }
}
