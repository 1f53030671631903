using AgentMesh.Events;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.Validation;

namespace AgentMesh.Engine;

public sealed partial class MeshEngine
{
    /// <summary>Applies one report. <paramref name="actingAgent"/> is the agent an agent-bound credential speaks for.</summary>
    public async ValueTask<MeshResult<MeshTask>> ReportAsync(string tenantId, string? actingAgent, TaskReport report, CancellationToken cancellationToken)
    {
        var results = await ReportManyAsync(tenantId, actingAgent, [report], cancellationToken);
        return results[0];
    }

    /// <summary>Applies many reports in one commit; each gets its own outcome, in order.</summary>
    public async ValueTask<IReadOnlyList<MeshResult<MeshTask>>> ReportManyAsync(
        string tenantId, string? actingAgent, IReadOnlyList<TaskReport> reports, CancellationToken cancellationToken)
    {
        var results = new MeshResult<MeshTask>[reports.Count];
        List<int>? unknown = null;
        await _commits.ReserveAsync(cancellationToken);
        PendingCommit? commit;
        lock (_gate)
        {
            if (!_tenants.TryGetValue(tenantId, out var tenant))
            {
                _commits.Release();
                var missing = MeshError.TenantNotFound(tenantId);
                Array.Fill(results, missing);
                return results;
            }

            var pending = new PendingCommit(new ChangeSet());
            for (var i = 0; i < reports.Count; i++)
            {
                var report = reports[i];
                if (Invalid(report) is { } invalid)
                {
                    results[i] = invalid;
                    continue;
                }

                if (!_tasks.TryGetValue(report.TaskId, out var task) || task.Tenant.Id != tenantId || task.Snapshot.Status.IsTerminal())
                {
                    (unknown ??= []).Add(i);
                    continue;
                }

                results[i] = Apply(task, actingAgent, report, pending);
            }

            // Slots freed by these results take the next queued tasks in the same transaction.
            DispatchInline(tenant, pending);

            commit = EnqueueOrRelease(pending);
        }

        await WhenCommitted(commit);
        for (var i = 0; i < reports.Count; i++)
        {
            if (reports[i].Usage is { } usage && results[i].IsSuccess && reports[i].Kind is ReportKind.Succeeded or ReportKind.Failed)
            {
                _metrics.TokensUsed(tenantId, results[i].Value!.Type, usage.InputTokens, usage.OutputTokens);
            }
        }

        if (unknown is not null)
        {
            foreach (var i in unknown)
            {
                var stored = await _store.GetTaskAsync(tenantId, reports[i].TaskId, cancellationToken);
                results[i] = stored is null ? MeshError.TaskNotFound(reports[i].TaskId) : MeshError.StaleLease(reports[i].TaskId);
            }
        }

        return results;
    }

    private MeshError? Invalid(TaskReport report)
    {
        if (string.IsNullOrEmpty(report.LeaseToken))
        {
            return MeshError.Invalid("leaseToken", "is required.");
        }

        return report.Kind switch
        {
            ReportKind.Progress when report.Percent is < 0 or > 100 => MeshError.Invalid("percent", "must be between 0 and 100."),
            ReportKind.Progress when report.Message is { Length: > 1000 } => MeshError.Invalid("message", "must be at most 1000 characters."),
            ReportKind.Failed when report.Error is null || string.IsNullOrEmpty(report.Error.Code) => MeshError.Invalid("error.code", "is required."),
            ReportKind.Failed when report.Error!.Code.Length > 128 || report.Error.Message is { Length: > 4000 } =>
                MeshError.Invalid("error", "code must be at most 128 characters and message at most 4000."),
            ReportKind.Succeeded when report.Output is { } output && output.Length > _options.MaxInputBytes =>
                new MeshError(MeshErrorKind.Validation, "payload_too_large", $"output is larger than {_options.MaxInputBytes} bytes."),
            ReportKind.Declined when report.Reason is { Length: > 1000 } => MeshError.Invalid("reason", "must be at most 1000 characters."),
            _ => null,
        };
    }

    /// <summary>Checks the lease (fencing) and applies a report. Under the lock.</summary>
    private MeshResult<MeshTask> Apply(LiveTask task, string? actingAgent, TaskReport report, PendingCommit commit)
    {
        var snapshot = task.Snapshot;
        if (snapshot.Status != MeshTaskStatus.Running || snapshot.LeaseToken != report.LeaseToken)
        {
            return MeshError.StaleLease(task.Id);
        }

        if (actingAgent is not null && snapshot.AgentId != actingAgent)
        {
            return new MeshError(MeshErrorKind.Forbidden, "forbidden", $"Task '{task.Id}' is not leased to agent '{actingAgent}'.");
        }

        switch (report.Kind)
        {
            case ReportKind.Progress:
                var progressed = snapshot with { Progress = new TaskProgress(report.Percent, report.Message), UpdatedAt = Now, Version = snapshot.Version + 1 };
                task.Snapshot = progressed;
                commit.Changes.Put(progressed).Add(MakeEvent(EventTypes.TaskProgress, progressed));
                break;
            case ReportKind.Succeeded:
                EndAttempt(task, AttemptOutcome.Succeeded, null, commit, output: report.Output ?? "null");
                break;
            case ReportKind.Failed:
                EndAttempt(task, AttemptOutcome.Failed, report.Error, commit, retryable: report.Retryable);
                break;
            case ReportKind.Declined:
                EndAttempt(task, AttemptOutcome.Declined, null, commit, reason: report.Reason);
                break;
        }

        // Only the report that ends the task is where its completion continues the trace; a retry or a later cancel is not.
        task.ReportTraceParent = task.Snapshot.Status.IsTerminal() ? report.TraceParent : null;
        return task.Snapshot;
    }

    /// <summary>
    /// Ends the running attempt and moves the task on: succeeded; failed; back to the queue (declined or
    /// released); a retry after backoff; or dead-lettered when the attempt budget is spent. A task whose
    /// cancellation was requested ends cancelled whatever the agent reports. Under the lock.
    /// </summary>
    private void EndAttempt(
        LiveTask task,
        AttemptOutcome outcome,
        TaskError? error,
        PendingCommit commit,
        bool retryable = true,
        bool requeue = false,
        string? output = null,
        string? reason = null)
    {
        var now = Now;
        var previous = task.Snapshot;
        var agentId = previous.AgentId;
        if (previous.CancelRequested)
        {
            outcome = AttemptOutcome.Cancelled;
        }

        var attempts = previous.Attempts.ToArray();
        var last = attempts[^1];
        attempts[^1] = last with { LeaseEndedAt = now, Outcome = outcome, Error = error };
        ReleaseSlot(task, agentId, outcome, now - last.LeaseStartedAt);
        _metrics.AttemptEnded(task.Tenant.Id, previous.Type, outcome, now - last.LeaseStartedAt);

        var next = previous with
        {
            Attempts = attempts,
            AgentId = null,
            LeaseToken = null,
            LeaseExpiresAt = null,
            UpdatedAt = now,
            Version = previous.Version + 1,
        };

        if (previous.CancelRequested)
        {
            Finish(task, next with { Status = MeshTaskStatus.Cancelled, Error = error }, EventTypes.TaskCancelled, commit, reason);
            return;
        }

        switch (outcome)
        {
            case AttemptOutcome.Succeeded:
                Finish(task, next with { Status = MeshTaskStatus.Succeeded, Output = output, Error = null }, EventTypes.TaskSucceeded, commit);
                return;
            case AttemptOutcome.Declined:
                (task.Excluded ??= new HashSet<string>(StringComparer.Ordinal)).Add(agentId!);
                Requeue(task, next, EventTypes.TaskDeclined, commit, reason);
                _exclusionExpiries.Enqueue((task.Id, task.Snapshot.Version), (now + _options.DeclineExclusion).UtcTicks);
                return;
            case AttemptOutcome.Cancelled when requeue:
                task.AvoidAgent = agentId;
                Requeue(task, next, EventTypes.TaskReleased, commit, error?.Message);
                return;
            case AttemptOutcome.Failed when !retryable:
                Finish(task, next with { Status = MeshTaskStatus.Failed, Error = error }, EventTypes.TaskFailed, commit);
                return;
        }

        var failures = next.CountedAttempts();
        if (failures >= next.MaxAttempts)
        {
            Finish(task, next with { Status = MeshTaskStatus.DeadLettered, Error = error }, EventTypes.TaskDeadLettered, commit);
            return;
        }

        var delay = RetryBackoff.Delay(failures, _options.RetryBaseDelay, _options.RetryMaxDelay, _random.NextDouble());
        var retry = next with { Status = MeshTaskStatus.Pending, Error = error, NextAttemptAt = now + delay };
        task.Snapshot = retry;
        task.AvoidAgent = agentId;
        _retries.Enqueue((task.Id, retry.Version), retry.NextAttemptAt!.Value.UtcTicks);
        commit.Changes.Put(retry).Add(MakeEvent(outcome == AttemptOutcome.TimedOut ? EventTypes.TaskLeaseExpired : EventTypes.TaskAttemptFailed, retry));
    }

    private void ReleaseSlot(LiveTask task, string? agentId, AttemptOutcome outcome, TimeSpan elapsed)
    {
        if (agentId is null || !task.Tenant.Agents.TryGetValue(agentId, out var agent) || !agent.Leases.Remove(task.Id))
        {
            return;
        }

        switch (outcome)
        {
            case AttemptOutcome.Succeeded:
                agent.Completed++;
                agent.RecordOutcome(true, elapsed.TotalMilliseconds);
                break;
            case AttemptOutcome.Failed or AttemptOutcome.TimedOut:
                agent.Failed++;
                agent.RecordOutcome(false, outcome == AttemptOutcome.Failed ? elapsed.TotalMilliseconds : null);
                break;
        }

        CapacityChanged(agent);
    }

    private void Requeue(LiveTask task, MeshTask next, string eventType, PendingCommit commit, string? reason)
    {
        var queued = next with { Status = MeshTaskStatus.Queued };
        task.Snapshot = queued;
        commit.Changes.Put(queued).Add(MakeEvent(eventType, queued, reason));
        Enqueue(task);
    }

    /// <summary>Writes a terminal state (exactly once: a terminal task accepts no further change). Under the lock.</summary>
    private void Finish(LiveTask task, MeshTask terminal, string eventType, PendingCommit commit, string? reason = null)
    {
        terminal = terminal with { FinishedAt = terminal.UpdatedAt, NextAttemptAt = null };
        task.Snapshot = terminal;
        task.Tenant.Queue.Remove(task);
        task.Tenant.Unfinished--;
        task.FinishedVersion = terminal.Version;
        commit.Changes.Put(terminal).Add(MakeEvent(eventType, terminal, reason));
        (commit.Finished ??= []).Add(task);
    }
}
