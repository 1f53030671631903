using System.Text;
using AgentMesh.Events;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.Validation;

namespace AgentMesh.Engine;

public sealed partial class MeshEngine
{
    public async ValueTask<MeshResult<SubmitResult>> SubmitAsync(string tenantId, TaskSubmission submission, string? traceParent, CancellationToken cancellationToken)
    {
        var results = await SubmitManyAsync(tenantId, [submission], traceParent, batch: false, cancellationToken);
        return results.IsSuccess ? results.Value![0] : results.Error!;
    }

    /// <summary>Submits all or none: one invalid submission rejects the batch, naming <c>tasks[i].field</c>.</summary>
    public ValueTask<MeshResult<IReadOnlyList<SubmitResult>>> SubmitBatchAsync(
        string tenantId, IReadOnlyList<TaskSubmission> submissions, string? traceParent, CancellationToken cancellationToken) =>
        SubmitManyAsync(tenantId, submissions, traceParent, batch: true, cancellationToken);

    private async ValueTask<MeshResult<IReadOnlyList<SubmitResult>>> SubmitManyAsync(
        string tenantId, IReadOnlyList<TaskSubmission> submissions, string? traceParent, bool batch, CancellationToken cancellationToken)
    {
        var now = Now;
        var errors = new FieldErrors();
        var inputs = new string[submissions.Count];
        for (var i = 0; i < submissions.Count; i++)
        {
            var prefix = batch ? $"tasks[{i}]" : string.Empty;
            if (submissions[i] is not { } submission)
            {
                errors.Add(prefix, "must be a task submission object.");
                continue;
            }

            TaskRules.Validate(submission, now, errors, prefix);
            inputs[i] = submission.Input is { } input ? input.GetRawText() : "{}";
            if (Encoding.UTF8.GetByteCount(inputs[i]) > _options.MaxInputBytes)
            {
                return new MeshError(MeshErrorKind.Validation, "payload_too_large", $"{FieldErrors.Join(prefix, "input")} is larger than {_options.MaxInputBytes} bytes.");
            }
        }

        if (!errors.IsEmpty)
        {
            return MeshError.Invalid(errors);
        }

        await _commits.ReserveAsync(cancellationToken);
        var results = new SubmitResult?[submissions.Count];
        var repeats = new List<(int Index, IdempotencyRecord Record)>();
        PendingCommit? commit;
        lock (_gate)
        {
            if (!_tenants.TryGetValue(tenantId, out var tenant))
            {
                _commits.Release();
                return MeshError.TenantNotFound(tenantId);
            }

            var fresh = submissions.Count(s => s.IdempotencyKey is null || !IsRecent(tenantId, s.IdempotencyKey, now, out _));
            if (tenant.Unfinished + fresh > tenant.Tenant.Quotas.MaxPendingTasks)
            {
                _commits.Release();
                return new MeshError(MeshErrorKind.QuotaExceeded, "quota_exceeded", $"Tenant '{tenantId}' has {tenant.Unfinished} unfinished tasks; its limit is {tenant.Tenant.Quotas.MaxPendingTasks}.");
            }

            var pending = new PendingCommit(new ChangeSet());
            for (var i = 0; i < submissions.Count; i++)
            {
                var submission = submissions[i];
                if (submission.IdempotencyKey is { } key && IsRecent(tenantId, key, now, out var first))
                {
                    repeats.Add((i, first));
                    continue;
                }

                var task = NewTask(tenant, submission, inputs[i], traceParent, now);
                results[i] = new SubmitResult(task.Snapshot, Created: true);
                pending.Changes.PutCreated(task.Snapshot).Add(MakeEvent(EventTypes.TaskSubmitted, task.Snapshot));
                if (submission.IdempotencyKey is { } newKey)
                {
                    _idempotency[(tenantId, newKey)] = new IdempotencyRecord(task.Id, now, pending.Completion);
                }
            }

            // Fast path: what a free agent can take now is leased in this same transaction, so the agent
            // sees it one commit (one fsync) after the submit instead of two.
            DispatchInline(tenant, pending);

            commit = EnqueueOrRelease(pending);
        }

        await WhenCommitted(commit);
        foreach (var result in results)
        {
            if (result is { Created: true, Task: var created })
            {
                _metrics.Submitted(created.Tenant, created.Type);
            }
        }

        foreach (var (index, record) in repeats)
        {
            await record.Committed;
            var existing = await GetTaskAsync(tenantId, record.TaskId, cancellationToken);
            if (existing is null)
            {
                return MeshError.TaskNotFound(record.TaskId);
            }

            results[index] = new SubmitResult(existing, Created: false);
        }

        return MeshResults.Success<IReadOnlyList<SubmitResult>>(results!);
    }

    private bool IsRecent(string tenantId, string key, DateTimeOffset now, out IdempotencyRecord record)
    {
        if (_idempotency.TryGetValue((tenantId, key), out record!) && now - record.CreatedAt < _options.IdempotencyWindow)
        {
            return true;
        }

        record = null!;
        return false;
    }

    /// <summary>Creates the live task and puts it where its status says. Under the lock.</summary>
    private LiveTask NewTask(TenantState tenant, TaskSubmission submission, string input, string? traceParent, DateTimeOffset now)
    {
        var strategy = RoutingStrategyNames.TryParse(submission.Strategy, out var parsed) ? parsed : RoutingStrategy.Default;
        var requiresApproval = submission.RequiresApproval ?? false;
        var snapshot = new MeshTask
        {
            Id = _taskIds.Next(),
            Tenant = tenant.Id,
            Type = submission.Type!,
            Status = requiresApproval ? MeshTaskStatus.AwaitingApproval : MeshTaskStatus.Queued,
            Input = input,
            Requirements = submission.Requirements is { } requirements ? [.. requirements] : [],
            Priority = submission.Priority ?? 3,
            Deadline = submission.Deadline,
            Timeout = submission.Timeout ?? 300,
            MaxAttempts = submission.MaxAttempts ?? 4,
            IdempotencyKey = submission.IdempotencyKey,
            TargetAgent = submission.TargetAgent,
            Strategy = strategy,
            ParentTaskId = submission.ParentTaskId,
            CorrelationId = submission.CorrelationId,
            Labels = submission.Labels is { } labels ? new Dictionary<string, string>(labels, StringComparer.Ordinal) : new Dictionary<string, string>(0),
            RequiresApproval = requiresApproval,
            RequiredSuccessRate = submission.RequiredSuccessRate,
            CreatedAt = now,
            UpdatedAt = now,
            TraceParent = traceParent,
        };
        var task = new LiveTask(snapshot, tenant);
        _tasks[snapshot.Id] = task;
        tenant.Unfinished++;
        if (snapshot.Deadline is { } deadline)
        {
            _deadlines.Enqueue(snapshot.Id, deadline.UtcTicks);
        }

        if (snapshot.Status == MeshTaskStatus.Queued)
        {
            Enqueue(task);
        }

        return task;
    }

    /// <summary>
    /// The task's latest committed-or-committing state: from memory while unfinished, else from the store (through the
    /// read cache). A finished task leaves memory only after its final commit landed, so what the store or the cache holds
    /// then is that final state; a retry puts it back in memory before anything else changes it.
    /// </summary>
    public ValueTask<MeshTask?> GetTaskAsync(string tenantId, Guid id, CancellationToken cancellationToken) =>
        ReadTaskAsync(tenantId, id, cached: true, cancellationToken);

    /// <summary>A change acts on the store's own copy (<paramref name="cached"/> false), never on a cached one.</summary>
    private async ValueTask<MeshTask?> ReadTaskAsync(string tenantId, Guid id, bool cached, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_tasks.TryGetValue(id, out var task))
            {
                return task.Tenant.Id == tenantId ? task.Snapshot : null;
            }
        }

        return cached && _finishedTasks is { } cache
            ? await cache.GetAsync(_store, tenantId, id, cancellationToken)
            : await _store.GetTaskAsync(tenantId, id, cancellationToken);
    }

    public bool TenantExists(string tenantId)
    {
        lock (_gate)
        {
            return _tenants.ContainsKey(tenantId);
        }
    }

    public async ValueTask<MeshResult<MeshTask>> CancelAsync(string tenantId, Guid id, string? reason, CancellationToken cancellationToken) =>
        await ChangeTaskAsync(tenantId, id, (task, commit) =>
        {
            var snapshot = task.Snapshot;
            switch (snapshot.Status)
            {
                case MeshTaskStatus.Running when snapshot.CancelRequested:
                    return snapshot;
                case MeshTaskStatus.Running:
                    var flagged = snapshot with { CancelRequested = true, UpdatedAt = Now, Version = snapshot.Version + 1 };
                    task.Snapshot = flagged;
                    commit.Changes.Put(flagged).Add(MakeEvent(EventTypes.TaskCancelRequested, flagged, reason));
                    if (flagged.AgentId is { } agentId && task.Tenant.Agents.TryGetValue(agentId, out var agent))
                    {
                        agent.PendingCancellations.Enqueue(task.Id);
                        agent.Waiter?.Signal.TrySetResult(true);
                    }

                    return flagged;
                default:
                    Finish(task, snapshot with { Status = MeshTaskStatus.Cancelled, UpdatedAt = Now, Version = snapshot.Version + 1 }, EventTypes.TaskCancelled, commit, reason);
                    return task.Snapshot;
            }
        }, terminal: static stored => stored.Status == MeshTaskStatus.Cancelled
            ? stored
            : MeshError.Conflict($"Task '{stored.Id}' already ended as {stored.Status.ToWire()}."), cancellationToken);

    public async ValueTask<MeshResult<MeshTask>> ApproveAsync(string tenantId, Guid id, bool approve, string? reason, CancellationToken cancellationToken) =>
        await ChangeTaskAsync(tenantId, id, (task, commit) =>
        {
            var snapshot = task.Snapshot;
            if (snapshot.Status != MeshTaskStatus.AwaitingApproval)
            {
                return MeshError.Conflict($"Task '{id}' is {snapshot.Status.ToWire()}, not awaiting approval.");
            }

            var next = snapshot with { UpdatedAt = Now, Version = snapshot.Version + 1 };
            if (!approve)
            {
                Finish(task, next with { Status = MeshTaskStatus.Cancelled, Error = new TaskError("rejected", reason ?? "The task was rejected.") }, EventTypes.TaskCancelled, commit, reason);
                return task.Snapshot;
            }

            Requeue(task, next, EventTypes.TaskApproved, commit, reason);
            return task.Snapshot;
        }, terminal: static stored => MeshError.Conflict($"Task '{stored.Id}' already ended as {stored.Status.ToWire()}."), cancellationToken);

    /// <summary>Re-queues a dead-lettered or failed task with a fresh attempt budget.</summary>
    public async ValueTask<MeshResult<MeshTask>> RetryAsync(string tenantId, Guid id, CancellationToken cancellationToken)
    {
        var stored = await ReadTaskAsync(tenantId, id, cached: false, cancellationToken);
        if (stored is null)
        {
            return MeshError.TaskNotFound(id);
        }

        if (stored.Status is not (MeshTaskStatus.DeadLettered or MeshTaskStatus.Failed))
        {
            return MeshError.Conflict($"Task '{id}' is {stored.Status.ToWire()}; only dead_lettered or failed tasks can be retried.");
        }

        await _commits.ReserveAsync(cancellationToken);
        PendingCommit commit;
        MeshTask requeued;
        lock (_gate)
        {
            if (!_tenants.TryGetValue(tenantId, out var tenant))
            {
                _commits.Release();
                return MeshError.TenantNotFound(tenantId);
            }

            if (_tasks.TryGetValue(id, out var live) && live.Snapshot.Version != stored.Version)
            {
                _commits.Release();
                return MeshError.Conflict($"Task '{id}' changed meanwhile; read it again.");
            }

            var now = Now;
            requeued = stored with
            {
                Status = MeshTaskStatus.Queued,
                Error = null,
                FinishedAt = null,
                NextAttemptAt = null,
                AttemptBudgetStart = stored.Attempts.Count,
                UpdatedAt = now,
                Version = stored.Version + 1,
            };
            var task = new LiveTask(requeued, tenant);
            _tasks[id] = task;
            tenant.Unfinished++;
            Enqueue(task);

            // From here reads find the task in memory; its cached finished copy is refused, and removed before the retry is acknowledged.
            _finishedTasks?.Revive(id, requeued.Version);
            commit = _commits.Enqueue(new PendingCommit(new ChangeSet().Put(requeued).Add(MakeEvent(EventTypes.TaskRetried, requeued))) { Revived = [requeued] });
        }

        await commit.Completion;
        return requeued;
    }

    private async ValueTask<MeshResult<MeshTask>> ChangeTaskAsync(
        string tenantId,
        Guid id,
        Func<LiveTask, PendingCommit, MeshResult<MeshTask>> change,
        Func<MeshTask, MeshResult<MeshTask>> terminal,
        CancellationToken cancellationToken)
    {
        await _commits.ReserveAsync(cancellationToken);
        PendingCommit? commit = null;
        MeshResult<MeshTask> result = default;
        var found = false;
        lock (_gate)
        {
            if (!_tenants.ContainsKey(tenantId))
            {
                _commits.Release();
                return MeshError.TenantNotFound(tenantId);
            }

            if (_tasks.TryGetValue(id, out var task) && task.Tenant.Id == tenantId && !task.Snapshot.Status.IsTerminal())
            {
                found = true;
                var pending = new PendingCommit(new ChangeSet());
                result = change(task, pending);
                commit = EnqueueOrRelease(pending);
            }
            else
            {
                _commits.Release();
            }
        }

        if (!found)
        {
            var stored = await _store.GetTaskAsync(tenantId, id, cancellationToken);
            return stored is null ? MeshError.TaskNotFound(id) : terminal(stored);
        }

        await WhenCommitted(commit);
        return result;
    }

    public async ValueTask<MeshResult<TaskPage>> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        if (!TenantExists(query.Tenant))
        {
            return MeshError.TenantNotFound(query.Tenant);
        }

        return await _store.ListTasksAsync(query, cancellationToken);
    }

    public async ValueTask<MeshResult<IReadOnlyList<MeshEvent>>> ReadEventsAsync(EventQuery query, CancellationToken cancellationToken)
    {
        if (!TenantExists(query.Tenant))
        {
            return MeshError.TenantNotFound(query.Tenant);
        }

        return MeshResults.Success<IReadOnlyList<MeshEvent>>(await _store.ReadEventsAsync(query, cancellationToken));
    }
}
