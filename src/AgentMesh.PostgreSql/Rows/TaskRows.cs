using AgentMesh.Events;
using AgentMesh.Protection;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using Npgsql;

namespace AgentMesh.PostgreSql.Rows;

/// <summary>
/// The <c>tasks</c> table. Snapshots of one commit are sent column by column as arrays and unnested by the
/// server: new tasks in one multi-row upsert, later versions in one multi-row update that leaves the fields
/// fixed at submission (above all the input) as they are. Either keeps a stored row whose version is the
/// same or higher. Input and output go through the store's <see cref="IPayloadProtector"/> both ways.
/// </summary>
internal sealed class TaskRows
{
    // The columns a later version may change come first; the fields fixed at submission follow, and the
    // update statement binds only the prefix.
    private static readonly (string Name, string Type)[] Columns =
    [
        ("id", "uuid"), ("status", "text"), ("output", "text"), ("error", "text"), ("cancel_requested", "boolean"),
        ("progress", "text"), ("attempts", "text"), ("attempt_budget_start", "integer"), ("updated_at", "bigint"),
        ("next_attempt_at", "bigint"), ("finished_at", "bigint"), ("agent_id", "text"), ("lease_token", "text"),
        ("lease_expires_at", "bigint"), ("version", "bigint"),
        ("requirements", "text"), ("priority", "integer"), ("deadline", "bigint"), ("timeout", "integer"),
        ("max_attempts", "integer"), ("target_agent", "text"), ("strategy", "text"), ("labels", "text"),
        ("requires_approval", "boolean"), ("required_success_rate", "double precision"), ("trace_parent", "text"),
        ("tenant", "text"), ("type", "text"), ("idempotency_key", "text"), ("parent_task_id", "uuid"),
        ("workflow_id", "uuid"), ("correlation_id", "text"), ("created_at", "bigint"), ("input", "text"),
    ];

    private const int ChangingColumns = 15;

    public static readonly string SelectColumns = string.Join(", ", Columns.Select(static c => c.Name));

    public static readonly string Upsert =
        $"INSERT INTO tasks ({SelectColumns}) SELECT * FROM unnest({Arrays(Columns.Length)}) "
        + $"ON CONFLICT (id) DO UPDATE SET {string.Join(", ", Columns[1..ChangingColumns].Select(static c => $"{c.Name} = excluded.{c.Name}"))} "
        + "WHERE tasks.version < excluded.version";

    public static readonly string Update =
        $"UPDATE tasks AS t SET {string.Join(", ", Columns[1..ChangingColumns].Select(static c => $"{c.Name} = u.{c.Name}"))} "
        + $"FROM unnest({Arrays(ChangingColumns)}) AS u({string.Join(", ", Columns[..ChangingColumns].Select(static c => c.Name))}) "
        + "WHERE t.id = u.id AND t.version < u.version RETURNING t.id";

    private readonly List<MeshTask> _tasks = [];

    public int Count => _tasks.Count;

    public IReadOnlyList<MeshTask> Tasks => _tasks;

    public void Add(MeshTask task) => _tasks.Add(task);

    /// <summary>The statement that writes every added task: <see cref="Upsert"/> with all columns, or <see cref="Update"/> with the changing ones.</summary>
    public NpgsqlBatchCommand ToCommand(bool full, IPayloadProtector protector)
    {
        var command = new NpgsqlBatchCommand(full ? Upsert : Update);
        var p = command.Parameters;
        ColumnArrays.Add(p, _tasks, static t => t.Id);
        ColumnArrays.Add(p, _tasks, static t => t.Status.ToWire());
        ColumnArrays.Add(p, _tasks, t => t.Output is null ? null : protector.Protect(t.Output));
        ColumnArrays.Add(p, _tasks, static t => StoredJson.Write(t.Error, CoreJsonContext.Default.TaskError));
        ColumnArrays.Add(p, _tasks, static t => t.CancelRequested);
        ColumnArrays.Add(p, _tasks, static t => StoredJson.Write(t.Progress, CoreJsonContext.Default.TaskProgress));
        ColumnArrays.Add(p, _tasks, static t => StoredJson.WriteList(t.Attempts, CoreJsonContext.Default.IReadOnlyListTaskAttempt));
        ColumnArrays.Add(p, _tasks, static t => t.AttemptBudgetStart);
        ColumnArrays.Add(p, _tasks, static t => t.UpdatedAt.UtcTicks);
        ColumnArrays.Add(p, _tasks, static t => DbRead.Ticks(t.NextAttemptAt));
        ColumnArrays.Add(p, _tasks, static t => DbRead.Ticks(t.FinishedAt));
        ColumnArrays.Add(p, _tasks, static t => t.AgentId);
        ColumnArrays.Add(p, _tasks, static t => t.LeaseToken);
        ColumnArrays.Add(p, _tasks, static t => DbRead.Ticks(t.LeaseExpiresAt));
        ColumnArrays.Add(p, _tasks, static t => t.Version);
        if (full)
        {
            ColumnArrays.Add(p, _tasks, static t => StoredJson.WriteList(t.Requirements, CoreJsonContext.Default.IReadOnlyListRequirement));
            ColumnArrays.Add(p, _tasks, static t => t.Priority);
            ColumnArrays.Add(p, _tasks, static t => DbRead.Ticks(t.Deadline));
            ColumnArrays.Add(p, _tasks, static t => t.Timeout);
            ColumnArrays.Add(p, _tasks, static t => t.MaxAttempts);
            ColumnArrays.Add(p, _tasks, static t => t.TargetAgent);
            ColumnArrays.Add(p, _tasks, static t => t.Strategy.ToWire());
            ColumnArrays.Add(p, _tasks, static t => StoredJson.WriteMap(t.Labels));
            ColumnArrays.Add(p, _tasks, static t => t.RequiresApproval);
            ColumnArrays.Add(p, _tasks, static t => t.RequiredSuccessRate);
            ColumnArrays.Add(p, _tasks, static t => t.TraceParent);
            ColumnArrays.Add(p, _tasks, static t => t.Tenant);
            ColumnArrays.Add(p, _tasks, static t => t.Type);
            ColumnArrays.Add(p, _tasks, static t => t.IdempotencyKey);
            ColumnArrays.Add(p, _tasks, static t => t.ParentTaskId);
            ColumnArrays.Add(p, _tasks, static t => t.WorkflowId);
            ColumnArrays.Add(p, _tasks, static t => t.CorrelationId);
            ColumnArrays.Add(p, _tasks, static t => t.CreatedAt.UtcTicks);
            ColumnArrays.Add(p, _tasks, t => protector.Protect(t.Input));
        }

        return command;
    }

    public static MeshTask Read(NpgsqlDataReader reader, IPayloadProtector protector)
    {
        var i = 0;
        return new MeshTask
        {
            Id = reader.GetGuid(i++),
            Status = StoredNames.ParseTaskStatus(reader.GetString(i++)),
            Output = reader.TextOrNull(i++) is { } output ? protector.Unprotect(output) : null,
            Error = StoredJson.Read(reader.TextOrNull(i++), CoreJsonContext.Default.TaskError),
            CancelRequested = reader.GetBoolean(i++),
            Progress = StoredJson.Read(reader.TextOrNull(i++), CoreJsonContext.Default.TaskProgress),
            Attempts = StoredJson.ReadList(reader.TextOrNull(i++), CoreJsonContext.Default.IReadOnlyListTaskAttempt),
            AttemptBudgetStart = reader.GetInt32(i++),
            UpdatedAt = reader.Time(i++),
            NextAttemptAt = reader.TimeOrNull(i++),
            FinishedAt = reader.TimeOrNull(i++),
            AgentId = reader.TextOrNull(i++),
            LeaseToken = reader.TextOrNull(i++),
            LeaseExpiresAt = reader.TimeOrNull(i++),
            Version = reader.GetInt64(i++),
            Requirements = StoredJson.ReadList(reader.TextOrNull(i++), CoreJsonContext.Default.IReadOnlyListRequirement),
            Priority = reader.GetInt32(i++),
            Deadline = reader.TimeOrNull(i++),
            Timeout = reader.GetInt32(i++),
            MaxAttempts = reader.GetInt32(i++),
            TargetAgent = reader.TextOrNull(i++),
            Strategy = StoredNames.ParseStrategy(reader.GetString(i++)),
            Labels = StoredJson.ReadMap(reader.TextOrNull(i++)),
            RequiresApproval = reader.GetBoolean(i++),
            RequiredSuccessRate = reader.DoubleOrNull(i++),
            TraceParent = reader.TextOrNull(i++),
            Tenant = reader.GetString(i++),
            Type = reader.GetString(i++),
            IdempotencyKey = reader.TextOrNull(i++),
            ParentTaskId = reader.IdOrNull(i++),
            WorkflowId = reader.IdOrNull(i++),
            CorrelationId = reader.TextOrNull(i++),
            CreatedAt = reader.Time(i++),
            Input = protector.Unprotect(reader.GetString(i)),
        };
    }

    private static string Arrays(int count) =>
        string.Join(", ", Columns[..count].Select(static (c, i) => $"${i + 1}::{c.Type}[]"));
}
