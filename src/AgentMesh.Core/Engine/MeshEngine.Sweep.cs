using AgentMesh.Events;
using AgentMesh.Storage;
using AgentMesh.Tasks;

namespace AgentMesh.Engine;

public sealed partial class MeshEngine
{
    private static readonly TimeSpan AgentSweepInterval = TimeSpan.FromSeconds(1);
    private DateTimeOffset _lastAgentSweep;
    private DateTimeOffset _lastIdempotencyPrune;

    private async Task SweepLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            await RoundAsync("sweep", () => SweepAsync(cancellationToken), cancellationToken);
        }
    }

    /// <summary>
    /// Expires leases (the attempt times out and the task retries or dead-letters), moves tasks whose
    /// backoff has passed back to the queue, expires tasks whose deadline passed before they started,
    /// and marks silent agents unhealthy.
    /// </summary>
    internal async Task SweepAsync(CancellationToken cancellationToken)
    {
        await ReloadIfDivergedAsync(cancellationToken);
        if (IsDiverged)
        {
            // Another loop is reloading; this round's work waits for the state it reloads.
            return;
        }

        await _commits.ReserveAsync(cancellationToken);
        PendingCommit? commit;
        lock (_gate)
        {
            var now = Now;
            var pending = new PendingCommit(new ChangeSet());
            ExpireLeases(now, pending);
            ReleaseBackoffs(now, pending);
            ExpireDeadlines(now, pending);
            ForgetDeclines(now);
            if (now - _lastAgentSweep >= AgentSweepInterval)
            {
                _lastAgentSweep = now;
                DisconnectSilentAgents(now, pending.Changes);
            }

            if (now - _lastIdempotencyPrune >= TimeSpan.FromMinutes(1))
            {
                _lastIdempotencyPrune = now;
                PruneIdempotencyKeys(now);
            }

            commit = EnqueueOrRelease(pending);
        }

        await WhenCommitted(commit);
    }

    private void ExpireLeases(DateTimeOffset now, PendingCommit commit)
    {
        while (_leaseExpiries.TryPeek(out var lease, out var ticks) && ticks <= now.UtcTicks)
        {
            _leaseExpiries.Dequeue();
            if (_tasks.TryGetValue(lease.Task, out var task)
                && task.Snapshot is { Status: MeshTaskStatus.Running } snapshot
                && snapshot.LeaseToken == lease.Token
                && snapshot.LeaseExpiresAt <= now)
            {
                EndAttempt(task, AttemptOutcome.TimedOut, new TaskError("lease_expired", $"No result or heartbeat from agent '{snapshot.AgentId}' before the lease expired."), commit);
            }
        }
    }

    private void ReleaseBackoffs(DateTimeOffset now, PendingCommit commit)
    {
        while (_retries.TryPeek(out var entry, out var ticks) && ticks <= now.UtcTicks)
        {
            _retries.Dequeue();
            if (_tasks.TryGetValue(entry.Task, out var task)
                && task.Snapshot is { Status: MeshTaskStatus.Pending } snapshot
                && snapshot.Version == entry.Version)
            {
                Requeue(task, snapshot with { NextAttemptAt = null, UpdatedAt = now, Version = snapshot.Version + 1 }, EventTypes.TaskQueued, commit, reason: null);
            }
        }
    }

    private void ExpireDeadlines(DateTimeOffset now, PendingCommit commit)
    {
        while (_deadlines.TryPeek(out var id, out var ticks) && ticks <= now.UtcTicks)
        {
            _deadlines.Dequeue();
            if (_tasks.TryGetValue(id, out var task)
                && task.Snapshot is { Status: MeshTaskStatus.Pending or MeshTaskStatus.Queued or MeshTaskStatus.AwaitingApproval } snapshot)
            {
                Finish(
                    task,
                    snapshot with
                    {
                        Status = MeshTaskStatus.Expired,
                        Error = new TaskError("deadline_passed", "The deadline passed before the task started."),
                        UpdatedAt = now,
                        Version = snapshot.Version + 1,
                    },
                    EventTypes.TaskExpired,
                    commit);
            }
        }
    }

    /// <summary>A task still queued when its decline exclusion runs out may be offered to every capable agent again.</summary>
    private void ForgetDeclines(DateTimeOffset now)
    {
        while (_exclusionExpiries.TryPeek(out var entry, out var ticks) && ticks <= now.UtcTicks)
        {
            _exclusionExpiries.Dequeue();
            if (_tasks.TryGetValue(entry.Task, out var task)
                && task.Snapshot.Status == MeshTaskStatus.Queued
                && task.Snapshot.Version == entry.Version
                && task.Excluded is not null)
            {
                task.Tenant.Queue.Remove(task);
                task.Excluded = null;
                Enqueue(task);
            }
        }
    }

    private void DisconnectSilentAgents(DateTimeOffset now, ChangeSet changes)
    {
        var cutoff = now - _options.HeartbeatTimeout;
        foreach (var tenant in _tenants.Values)
        {
            foreach (var agent in tenant.Agents.Values)
            {
                if (agent.Connected && agent.IsSilentSince(cutoff))
                {
                    agent.Connected = false;
                    tenant.Index.Remove(agent);
                    changes.Add(MakeEvent(EventTypes.AgentUnhealthy, agent, "missed heartbeats"));
                }
            }
        }
    }

    private void PruneIdempotencyKeys(DateTimeOffset now)
    {
        List<(string, string)>? expired = null;
        foreach (var (key, record) in _idempotency)
        {
            if (now - record.CreatedAt >= _options.IdempotencyWindow)
            {
                (expired ??= []).Add(key);
            }
        }

        if (expired is not null)
        {
            foreach (var key in expired)
            {
                _idempotency.Remove(key);
            }
        }
    }
}
