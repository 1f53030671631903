using AgentMesh.Events;
using AgentMesh.Protection;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite.Tables;

/// <summary>
/// The <c>tasks</c> table. Most snapshots are a new task (version 1: an insert) or the next version of a
/// known one (an update that leaves the fields fixed at submission as they are: tenant, type, idempotency
/// key, parent, workflow, correlation id, creation time and, above all, the input). An update
/// that finds no older row falls back to the full upsert when the row is missing, and otherwise loses to
/// the newer version already stored. Input and output go through the store's <see cref="IPayloadProtector"/> both ways.
/// </summary>
internal sealed class TasksTable : IDisposable
{
    // Bind and Read walk the columns in this order. The fields fixed at submission come last (the engine never
    // changes them: see IMeshStore.CommitAsync): the update binds only the prefix before them, so it neither
    // re-serializes requirements and labels nor copies the input, nor touches the indexes on type, idempotency
    // key, parent and correlation id. The input, the one large column, ends the row.
    private static readonly string[] Columns =
    [
        "id", "status", "output", "error", "cancel_requested", "progress",
        "attempts", "attempt_budget_start", "updated_at", "next_attempt_at", "finished_at", "agent_id", "lease_token",
        "lease_expires_at", "version",
        "requirements", "priority", "deadline", "timeout", "max_attempts", "target_agent", "strategy", "labels",
        "requires_approval", "required_success_rate", "trace_parent",
        "tenant", "type", "idempotency_key", "parent_task_id", "workflow_id", "correlation_id", "created_at", "input",
    ];

    private const int SubmissionColumns = 19;

    private static readonly string[] UpdateColumns = Columns[..^SubmissionColumns];

    public static readonly string SelectColumns = string.Join(", ", Columns);

    private readonly PositionalStatement _upsert;
    private readonly PositionalStatement _update;
    private readonly SqliteCommand _exists;
    private readonly IPayloadProtector _protector;

    public TasksTable(SqliteConnection connection, IPayloadProtector protector)
    {
        _protector = protector;
        _upsert = new PositionalStatement(connection, Statement.Upsert("tasks", Columns, ["id"]) + " WHERE excluded.version > tasks.version", Columns);
        _update = new PositionalStatement(
            connection,
            $"UPDATE tasks SET {Statement.SetFromParameters(UpdateColumns.Skip(1))} WHERE id = @id AND version < @version",
            UpdateColumns);
        _exists = Statement.Prepare(connection, "SELECT EXISTS (SELECT 1 FROM tasks WHERE id = @id)", ["id"]);
    }

    public void Enlist(SqliteTransaction transaction)
    {
        _exists.Transaction = transaction;
    }

    /// <summary>Writes the snapshot unless the stored row has the same or a higher version.</summary>
    /// <param name="task">The snapshot.</param>
    /// <param name="isNew">The change set says the task is created by it: insert without looking for a row first.</param>
    public void Put(MeshTask task, bool isNew)
    {
        if (isNew || task.Version == 1)
        {
            Bind(_upsert, task, submission: true);
            _upsert.Execute();
            return;
        }

        Bind(_update, task, submission: false);
        if (_update.Execute() > 0)
        {
            return;
        }

        _exists.Parameters[0].Value = DbValue.Id(task.Id);
        if (Convert.ToInt64(_exists.ExecuteScalar()) == 0)
        {
            Bind(_upsert, task, submission: true);
            _upsert.Execute();
        }
    }

    private void Bind(PositionalStatement p, MeshTask task, bool submission)
    {
        var i = 0;
        p.Set(i++, DbValue.Id(task.Id));
        p.Set(i++, task.Status.ToWire());
        p.Set(i++, task.Output is null ? DBNull.Value : _protector.Protect(task.Output));
        p.Set(i++, StoredJson.Write(task.Error, CoreJsonContext.Default.TaskError));
        p.Set(i++, DbValue.Flag(task.CancelRequested));
        p.Set(i++, StoredJson.Write(task.Progress, CoreJsonContext.Default.TaskProgress));
        p.Set(i++, StoredJson.WriteList(task.Attempts, CoreJsonContext.Default.IReadOnlyListTaskAttempt));
        p.Set(i++, task.AttemptBudgetStart);
        p.Set(i++, DbValue.Ticks(task.UpdatedAt));
        p.Set(i++, DbValue.Ticks(task.NextAttemptAt));
        p.Set(i++, DbValue.Ticks(task.FinishedAt));
        p.Set(i++, DbValue.Text(task.AgentId));
        p.Set(i++, DbValue.Text(task.LeaseToken));
        p.Set(i++, DbValue.Ticks(task.LeaseExpiresAt));
        p.Set(i++, task.Version);
        if (submission)
        {
            p.Set(i++, StoredJson.WriteList(task.Requirements, CoreJsonContext.Default.IReadOnlyListRequirement));
            p.Set(i++, task.Priority);
            p.Set(i++, DbValue.Ticks(task.Deadline));
            p.Set(i++, task.Timeout);
            p.Set(i++, task.MaxAttempts);
            p.Set(i++, DbValue.Text(task.TargetAgent));
            p.Set(i++, task.Strategy.ToWire());
            p.Set(i++, StoredJson.WriteMap(task.Labels));
            p.Set(i++, DbValue.Flag(task.RequiresApproval));
            p.Set(i++, DbValue.Number(task.RequiredSuccessRate));
            p.Set(i++, DbValue.Text(task.TraceParent));
            p.Set(i++, task.Tenant);
            p.Set(i++, task.Type);
            p.Set(i++, DbValue.Text(task.IdempotencyKey));
            p.Set(i++, DbValue.Id(task.ParentTaskId));
            p.Set(i++, DbValue.Id(task.WorkflowId));
            p.Set(i++, DbValue.Text(task.CorrelationId));
            p.Set(i++, DbValue.Ticks(task.CreatedAt));
            p.Set(i, _protector.Protect(task.Input));
        }
    }

    public static MeshTask Read(SqliteDataReader reader, IPayloadProtector protector)
    {
        var i = 0;
        return new MeshTask
        {
            Id = reader.GetId(i++),
            Status = StoredNames.ParseTaskStatus(reader.GetString(i++)),
            Output = reader.GetTextOrNull(i++) is { } output ? protector.Unprotect(output) : null,
            Error = StoredJson.Read(reader, i++, CoreJsonContext.Default.TaskError),
            CancelRequested = reader.GetFlag(i++),
            Progress = StoredJson.Read(reader, i++, CoreJsonContext.Default.TaskProgress),
            Attempts = StoredJson.ReadList(reader, i++, CoreJsonContext.Default.IReadOnlyListTaskAttempt),
            AttemptBudgetStart = reader.GetInt32(i++),
            UpdatedAt = reader.GetTime(i++),
            NextAttemptAt = reader.GetTimeOrNull(i++),
            FinishedAt = reader.GetTimeOrNull(i++),
            AgentId = reader.GetTextOrNull(i++),
            LeaseToken = reader.GetTextOrNull(i++),
            LeaseExpiresAt = reader.GetTimeOrNull(i++),
            Version = reader.GetInt64(i++),
            Requirements = StoredJson.ReadList(reader, i++, CoreJsonContext.Default.IReadOnlyListRequirement),
            Priority = reader.GetInt32(i++),
            Deadline = reader.GetTimeOrNull(i++),
            Timeout = reader.GetInt32(i++),
            MaxAttempts = reader.GetInt32(i++),
            TargetAgent = reader.GetTextOrNull(i++),
            Strategy = StoredNames.ParseStrategy(reader.GetString(i++)),
            Labels = StoredJson.ReadMap(reader, i++),
            RequiresApproval = reader.GetFlag(i++),
            RequiredSuccessRate = reader.GetDoubleOrNull(i++),
            TraceParent = reader.GetTextOrNull(i++),
            Tenant = reader.GetString(i++),
            Type = reader.GetString(i++),
            IdempotencyKey = reader.GetTextOrNull(i++),
            ParentTaskId = reader.GetIdOrNull(i++),
            WorkflowId = reader.GetIdOrNull(i++),
            CorrelationId = reader.GetTextOrNull(i++),
            CreatedAt = reader.GetTime(i++),
            Input = protector.Unprotect(reader.GetString(i)),
        };
    }

    public void Dispose()
    {
        _upsert.Dispose();
        _update.Dispose();
        _exists.Dispose();
    }
}
