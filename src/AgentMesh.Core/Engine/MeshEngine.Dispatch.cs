using System.Security.Cryptography;
using AgentMesh.Events;
using AgentMesh.Storage;
using AgentMesh.Tasks;

namespace AgentMesh.Engine;

public sealed partial class MeshEngine
{
    /// <summary>Holds dispatch so a test can build a queue before any of it is assigned.</summary>
    internal bool DispatchPaused
    {
        get => _dispatchPaused;
        set
        {
            _dispatchPaused = value;
            _dispatchSignal.Writer.TryWrite(true);
        }
    }

    private volatile bool _dispatchPaused;

    /// <summary>Puts a task in its tenant's queue and wakes the dispatcher. Under the lock.</summary>
    private void Enqueue(LiveTask task)
    {
        task.Tenant.Queue.Enqueue(task);
        MarkReady(task.Tenant);
    }

    /// <summary>Gives the tenant a turn in the dispatch ring. Under the lock.</summary>
    private void MarkReady(TenantState tenant)
    {
        if (tenant.InReadyRing || tenant.Queue.Count == 0)
        {
            return;
        }

        tenant.InReadyRing = true;
        _ready.Enqueue(tenant);
        _dispatchSignal.Writer.TryWrite(true);
    }

    /// <summary>An agent may now take work it could not before: blocked groups get another try. Under the lock.</summary>
    private void CapacityChanged(LiveAgent agent)
    {
        var tenant = agent.Tenant;
        tenant.Index.Refresh(agent);
        if (agent.Eligible)
        {
            tenant.CapacityEpoch++;
            MarkReady(tenant);
        }
    }

    private async Task DispatchLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _dispatchSignal.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            reader.TryRead(out _);
            if (!await RoundAsync("dispatch", () => ReloadIfDivergedAsync(cancellationToken), cancellationToken))
            {
                // Try again soon: the store may answer by then.
                await Task.Delay(_options.SweepInterval, _time, cancellationToken);
                _dispatchSignal.Writer.TryWrite(true);
                continue;
            }

            if (IsDiverged)
            {
                // The sweep is reloading; when it is done, every tenant with queued work signals this loop again.
                continue;
            }

            if (DispatchPaused)
            {
                continue;
            }

            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    await _commits.ReserveAsync(cancellationToken);
                    if (!DispatchRound())
                    {
                        _commits.Release();
                        break;
                    }
                }
            }
            catch (StoreUnavailableException)
            {
                // A write was refused meanwhile: the next round reloads first (what this one assigned in memory goes with it).
                _dispatchSignal.Writer.TryWrite(true);
            }
        }
    }

    /// <summary>
    /// One round: tenants with dispatchable work take turns (round-robin, each up to its quantum) until
    /// the round limit; every assignment of the round goes in one commit. False when nothing was assigned.
    /// </summary>
    private bool DispatchRound()
    {
        lock (_gate)
        {
            var changes = new ChangeSet();
            var commit = new PendingCommit(changes);
            var budget = _options.DispatchRoundLimit;
            while (budget > 0 && _ready.TryDequeue(out var tenant))
            {
                tenant.InReadyRing = false;
                var quantum = Math.Min(budget, tenant.Quantum(_options.DispatchQuantum));
                var assigned = DispatchTenant(tenant, quantum, commit);
                budget -= assigned;
                if (assigned == quantum)
                {
                    // Fewer than a quantum means every group is empty or blocked until capacity changes.
                    MarkReady(tenant);
                }
            }

            if (changes.IsEmpty)
            {
                return false;
            }

            _commits.Enqueue(commit);
            if (_ready.Count > 0)
            {
                _dispatchSignal.Writer.TryWrite(true);
            }

            return true;
        }
    }

    private int DispatchTenant(TenantState tenant, int quantum, PendingCommit commit)
    {
        var assigned = 0;
        while (assigned < quantum)
        {
            var task = tenant.Queue.Peek(tenant.CapacityEpoch);
            if (task is null)
            {
                break;
            }

            var started = _time.GetTimestamp();
            var agent = ChooseAgent(task);
            var routing = _time.GetElapsedTime(started);
            _metrics.Routed(tenant.Id, task.Snapshot.Type, agent is not null, routing);
            if (agent is null)
            {
                task.Group!.BlockedAtEpoch = tenant.CapacityEpoch;
                continue;
            }

            tenant.Queue.Take(task);
            Assign(task, agent, routing, commit);
            assigned++;
        }

        return assigned;
    }

    private static LiveAgent? ChooseAgent(LiveTask task)
    {
        var tenant = task.Tenant;
        if (task.Snapshot.TargetAgent is { } target)
        {
            return tenant.Agents.TryGetValue(target, out var agent)
                && agent.Eligible
                && (task.Excluded is null || !task.Excluded.Contains(target))
                && Routing.CandidateIndex.Qualifies(agent, task.Snapshot.Requirements, out _)
                ? agent
                : null;
        }

        return tenant.Index.Choose(task);
    }

    /// <summary>
    /// The fast path: what the tenant's free agents can take now is leased inside the caller's own change set
    /// (a submit's, a result's), so the hand-over costs no commit of its own. Under the lock.
    /// </summary>
    private void DispatchInline(TenantState tenant, PendingCommit commit)
    {
        if (!_dispatchPaused)
        {
            DispatchTenant(tenant, tenant.Quantum(_options.DispatchQuantum), commit);
        }
    }

    /// <summary>Leases the task to the agent; the agent sees it once the commit lands. Under the lock.</summary>
    private void Assign(LiveTask task, LiveAgent agent, TimeSpan routing, PendingCommit commit)
    {
        var now = Now;
        var previous = task.Snapshot;
        var token = NewLeaseToken();
        var expires = now.AddSeconds(previous.Timeout);
        var attempt = new TaskAttempt { Number = previous.Attempts.Count + 1, AgentId = agent.Id, LeaseStartedAt = now };
        var snapshot = previous with
        {
            Status = MeshTaskStatus.Running,
            AgentId = agent.Id,
            LeaseToken = token,
            LeaseExpiresAt = expires,
            Attempts = [.. previous.Attempts, attempt],
            NextAttemptAt = null,
            UpdatedAt = now,
            Version = previous.Version + 1,
        };
        task.Snapshot = snapshot;
        task.ReportTraceParent = null;
        agent.Leases.Add(task.Id);
        agent.Assigned++;
        agent.LastAssignedTick = ++_assignTick;
        agent.Tenant.Index.Refresh(agent);
        _leaseExpiries.Enqueue((task.Id, token), expires.UtcTicks);
        if (attempt.Number == 1)
        {
            _metrics.QueueTime(snapshot.Tenant, snapshot.Type, now - snapshot.CreatedAt);
        }

        commit.Changes.Put(snapshot).Add(MakeEvent(EventTypes.TaskAssigned, snapshot));
        (commit.Deliveries ??= []).Add((agent, new Assignment(
            snapshot.Id,
            attempt.Number,
            token,
            expires,
            snapshot.Type,
            snapshot.Input,
            snapshot.Priority,
            snapshot.Deadline,
            snapshot.Requirements,
            Telemetry.MeshActivities.Dispatch(snapshot, agent.Id, attempt.Number, routing),
            snapshot.RequiredSuccessRate)));
    }

    /// <summary>Hands a committed assignment to the agent, unless the lease moved on meanwhile. Under the lock.</summary>
    private void Deliver(LiveAgent agent, Assignment assignment)
    {
        if (!_tasks.TryGetValue(assignment.TaskId, out var task) || task.Snapshot.LeaseToken != assignment.LeaseToken)
        {
            return;
        }

        agent.Inbox.Enqueue(assignment);
        agent.Waiter?.Signal.TrySetResult(true);
    }

    private static string NewLeaseToken()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
