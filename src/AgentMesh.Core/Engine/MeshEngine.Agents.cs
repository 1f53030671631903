using AgentMesh.Agents;
using AgentMesh.Events;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.Validation;

namespace AgentMesh.Engine;

public sealed partial class MeshEngine
{
    public async ValueTask<MeshResult<(AgentView Agent, bool Created)>> RegisterAgentAsync(
        string tenantId, string agentId, AgentRegistration registration, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        AgentRules.Validate(agentId, registration, errors);
        if (!errors.IsEmpty)
        {
            return MeshError.Invalid(errors);
        }

        await _commits.ReserveAsync(cancellationToken);
        PendingCommit commit;
        AgentView view;
        bool created;
        lock (_gate)
        {
            if (!_tenants.TryGetValue(tenantId, out var tenant))
            {
                _commits.Release();
                return MeshError.TenantNotFound(tenantId);
            }

            var now = Now;
            tenant.Agents.TryGetValue(agentId, out var live);
            if (live?.Record.AdminState == AgentAdminState.Terminated)
            {
                _commits.Release();
                return AgentTerminated(agentId);
            }

            if (live is null && tenant.Agents.Values.Count(static a => a.Record.AdminState != AgentAdminState.Terminated) >= tenant.Tenant.Quotas.MaxAgents)
            {
                _commits.Release();
                return new MeshError(MeshErrorKind.QuotaExceeded, "quota_exceeded", $"Tenant '{tenantId}' already has its maximum of {tenant.Tenant.Quotas.MaxAgents} agents.");
            }

            var record = new AgentRecord
            {
                Tenant = tenantId,
                Id = agentId,
                Name = registration.Name!,
                Type = registration.Type,
                Description = registration.Description,
                Capabilities = [.. registration.Capabilities!],
                MaxConcurrency = registration.MaxConcurrency ?? 1,
                Tags = registration.Tags is { } tags ? [.. tags] : [],
                Metadata = registration.Metadata is { } metadata ? new Dictionary<string, string>(metadata, StringComparer.Ordinal) : new Dictionary<string, string>(),
                Supervisor = registration.Supervisor,
                AdminState = live?.Record.AdminState ?? AgentAdminState.Active,
                CreatedAt = live?.Record.CreatedAt ?? now,
                UpdatedAt = now,
                Version = (live?.Record.Version ?? 0) + 1,
            };
            created = live is null;
            if (live is null)
            {
                live = new LiveAgent(record, tenant);
                tenant.Agents[agentId] = live;
            }
            else
            {
                live.Record = record;
                CapacityChanged(live);
            }

            var changes = new ChangeSet().Put(record).Add(MakeEvent(created ? EventTypes.AgentRegistered : EventTypes.AgentUpdated, live));
            commit = _commits.Enqueue(new PendingCommit(changes));
            view = live.ToView();
        }

        await commit.Completion;
        await AgentChangedAsync(tenantId, agentId);
        return (view, created);
    }

    public MeshResult<AgentView> GetAgent(string tenantId, string agentId)
    {
        lock (_gate)
        {
            if (!_tenants.TryGetValue(tenantId, out var tenant))
            {
                return MeshError.TenantNotFound(tenantId);
            }

            return tenant.Agents.TryGetValue(agentId, out var agent) ? agent.ToView() : MeshError.AgentNotFound(agentId);
        }
    }

    /// <summary>Agents ordered by id; <paramref name="cursor"/> is the last id of the previous page.</summary>
    public MeshResult<(IReadOnlyList<AgentView> Items, string? NextCursor)> ListAgents(
        string tenantId, AgentStatus? status, string? capability, int limit, string? cursor)
    {
        lock (_gate)
        {
            if (!_tenants.TryGetValue(tenantId, out var tenant))
            {
                return MeshError.TenantNotFound(tenantId);
            }

            var page = tenant.Agents.Values
                .Where(a => (cursor is null || string.CompareOrdinal(a.Id, cursor) > 0)
                    && (status is null || a.Status == status)
                    && (capability is null || a.LevelOf(capability) >= 0))
                .OrderBy(static a => a.Id, StringComparer.Ordinal)
                .Take(limit + 1)
                .Select(static a => a.ToView())
                .ToList();
            string? next = null;
            if (page.Count > limit)
            {
                page.RemoveAt(page.Count - 1);
                next = page[^1].Id;
            }

            return (page, next);
        }
    }

    public async ValueTask<MeshResult<AgentView>> ChangeAgentAsync(
        string tenantId, string agentId, AgentAction action, bool force, CancellationToken cancellationToken)
    {
        await _commits.ReserveAsync(cancellationToken);
        PendingCommit? commit;
        AgentView view;
        lock (_gate)
        {
            if (!_tenants.TryGetValue(tenantId, out var tenant))
            {
                _commits.Release();
                return MeshError.TenantNotFound(tenantId);
            }

            if (!tenant.Agents.TryGetValue(agentId, out var agent))
            {
                _commits.Release();
                return MeshError.AgentNotFound(agentId);
            }

            var state = agent.Record.AdminState;
            var target = NextAdminState(state, action);
            if (target is null)
            {
                _commits.Release();
                return state == AgentAdminState.Terminated
                    ? AgentTerminated(agentId)
                    : MeshError.Conflict($"Agent '{agentId}' is {state.ToString().ToLowerInvariant()}; it cannot {action.ToString().ToLowerInvariant()}.");
            }

            if (action == AgentAction.Terminate && agent.InFlight > 0 && !force)
            {
                _commits.Release();
                return MeshError.Conflict($"Agent '{agentId}' has {agent.InFlight} tasks in flight; terminate with force to release them for retry.");
            }

            var changes = new ChangeSet();
            var pending = new PendingCommit(changes);
            if (target != state)
            {
                agent.Record = agent.Record with { AdminState = target.Value, UpdatedAt = Now, Version = agent.Record.Version + 1 };
                changes.Put(agent.Record);
                if (target == AgentAdminState.Terminated)
                {
                    ReleaseLeases(agent, pending);
                    agent.Waiter?.Signal.TrySetResult(false);
                    agent.Inbox.Clear();
                }

                CapacityChanged(agent);
                changes.Add(MakeEvent(EventFor(action), agent));
            }

            commit = EnqueueOrRelease(pending);
            view = agent.ToView();
        }

        await WhenCommitted(commit);
        if (commit is not null)
        {
            await AgentChangedAsync(tenantId, agentId);
        }

        return view;
    }

    // Not the caller's to cancel: once committed, the change must reach every node that answers agent reads from a cache.
    private ValueTask AgentChangedAsync(string tenantId, string agentId) =>
        _directoryChanges?.AgentChangedAsync(tenantId, agentId, CancellationToken.None) ?? ValueTask.CompletedTask;

    public async ValueTask<MeshResult<PollResult>> PollAsync(
        string tenantId, string agentId, int max, int waitSeconds, CancellationToken cancellationToken)
    {
        max = Math.Clamp(max, 1, _options.MaxBatch);
        waitSeconds = Math.Clamp(waitSeconds, 0, _options.MaxPollWaitSeconds);
        await _commits.ReserveAsync(cancellationToken);
        LiveAgent agent;
        PollWaiter? waiter = null;
        PollResult? ready;
        PendingCommit? commit;
        lock (_gate)
        {
            var found = FindActiveAgent(tenantId, agentId);
            if (!found.IsSuccess)
            {
                _commits.Release();
                return found.Error!;
            }

            agent = found.Value!;
            var changes = new ChangeSet();
            Touch(agent, changes);
            ready = TakeWork(agent, max);
            if (ready is null && waitSeconds > 0 && IsRunning)
            {
                agent.Waiter?.Signal.TrySetResult(false);
                waiter = new PollWaiter();
                agent.Waiter = waiter;
            }

            commit = EnqueueOrRelease(new PendingCommit(changes));
        }

        await WhenCommitted(commit);
        if (ready is not null || waiter is null)
        {
            return ready ?? PollResult.Empty;
        }

        try
        {
            await waiter.Signal.Task.WaitAsync(TimeSpan.FromSeconds(waitSeconds), _time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            lock (_gate)
            {
                if (agent.Waiter == waiter)
                {
                    agent.Waiter = null;
                }

                agent.LastSeen = Now;
            }
        }

        lock (_gate)
        {
            return TakeWork(agent, max) ?? PollResult.Empty;
        }
    }

    public async ValueTask<MeshResult<HeartbeatResult>> HeartbeatAsync(
        string tenantId, string agentId, IReadOnlyList<LeaseRef> leases, CancellationToken cancellationToken)
    {
        await _commits.ReserveAsync(cancellationToken);
        PendingCommit? commit;
        HeartbeatResult result;
        lock (_gate)
        {
            var found = FindActiveAgent(tenantId, agentId);
            if (!found.IsSuccess)
            {
                _commits.Release();
                return found.Error!;
            }

            var agent = found.Value!;
            var changes = new ChangeSet();
            Touch(agent, changes);
            var now = Now;
            var extended = new List<LeaseExtension>(leases.Count);
            var lost = new List<Guid>();
            var cancellations = new List<Guid>();
            foreach (var lease in leases)
            {
                if (_tasks.TryGetValue(lease.TaskId, out var task)
                    && task.Snapshot is { Status: MeshTaskStatus.Running } snapshot
                    && snapshot.LeaseToken == lease.LeaseToken
                    && snapshot.AgentId == agent.Id)
                {
                    var expires = now.AddSeconds(snapshot.Timeout);
                    task.Snapshot = snapshot with { LeaseExpiresAt = expires, UpdatedAt = now, Version = snapshot.Version + 1 };
                    changes.Put(task.Snapshot);
                    _leaseExpiries.Enqueue((task.Id, lease.LeaseToken), expires.UtcTicks);
                    extended.Add(new LeaseExtension(task.Id, expires));
                    if (snapshot.CancelRequested)
                    {
                        cancellations.Add(task.Id);
                    }
                }
                else
                {
                    lost.Add(lease.TaskId);
                }
            }

            while (agent.PendingCancellations.TryDequeue(out var cancelled))
            {
                if (!cancellations.Contains(cancelled))
                {
                    cancellations.Add(cancelled);
                }
            }

            result = new HeartbeatResult(extended, lost, cancellations);
            commit = EnqueueOrRelease(new PendingCommit(changes));
        }

        await WhenCommitted(commit);
        return result;
    }

    /// <summary>Marks the agent seen; a first contact makes it connected and eligible. Under the lock.</summary>
    private void Touch(LiveAgent agent, ChangeSet changes)
    {
        agent.LastSeen = Now;
        if (agent.Connected)
        {
            return;
        }

        agent.Connected = true;
        agent.WasConnected = true;
        CapacityChanged(agent);
        changes.Add(MakeEvent(EventTypes.AgentConnected, agent));
    }

    private static PollResult? TakeWork(LiveAgent agent, int max)
    {
        if (agent.Inbox.Count == 0 && agent.PendingCancellations.Count == 0)
        {
            return null;
        }

        var assignments = new List<Assignment>(Math.Min(max, agent.Inbox.Count));
        while (assignments.Count < max && agent.Inbox.TryDequeue(out var assignment))
        {
            assignments.Add(assignment);
        }

        var cancellations = new List<Guid>(agent.PendingCancellations.Count);
        while (agent.PendingCancellations.TryDequeue(out var cancelled))
        {
            cancellations.Add(cancelled);
        }

        return new PollResult(assignments, cancellations);
    }

    private MeshResult<LiveAgent> FindActiveAgent(string tenantId, string agentId)
    {
        if (!_tenants.TryGetValue(tenantId, out var tenant))
        {
            return MeshError.TenantNotFound(tenantId);
        }

        if (!tenant.Agents.TryGetValue(agentId, out var agent))
        {
            return MeshError.AgentNotFound(agentId);
        }

        return agent.Record.AdminState == AgentAdminState.Terminated ? AgentTerminated(agentId) : agent;
    }

    /// <summary>Gives every lease the agent holds back to routing, without counting an attempt. Under the lock.</summary>
    private void ReleaseLeases(LiveAgent agent, PendingCommit commit)
    {
        foreach (var taskId in agent.Leases.ToList())
        {
            if (_tasks.TryGetValue(taskId, out var task))
            {
                EndAttempt(task, AttemptOutcome.Cancelled, new TaskError("agent_terminated", $"Agent '{agent.Id}' was terminated."), commit, requeue: true);
            }
        }
    }

    private static AgentAdminState? NextAdminState(AgentAdminState state, AgentAction action) => (state, action) switch
    {
        (AgentAdminState.Terminated, _) => null,
        (_, AgentAction.Terminate) => AgentAdminState.Terminated,
        (_, AgentAction.Quarantine) => AgentAdminState.Quarantined,
        (AgentAdminState.Quarantined, AgentAction.Release) => AgentAdminState.Active,
        (AgentAdminState.Active, AgentAction.Release) => AgentAdminState.Active,
        (AgentAdminState.Quarantined, _) => null,
        (_, AgentAction.Release) => null,
        (_, AgentAction.Pause) => AgentAdminState.Paused,
        (_, AgentAction.Resume) => AgentAdminState.Active,
        (_, AgentAction.Drain) => AgentAdminState.Draining,
        _ => null,
    };

    private static string EventFor(AgentAction action) => action switch
    {
        AgentAction.Pause => EventTypes.AgentPaused,
        AgentAction.Resume => EventTypes.AgentResumed,
        AgentAction.Drain => EventTypes.AgentDraining,
        AgentAction.Quarantine => EventTypes.AgentQuarantined,
        AgentAction.Release => EventTypes.AgentReleased,
        _ => EventTypes.AgentTerminated,
    };

    private static MeshError AgentTerminated(string agentId) =>
        new(MeshErrorKind.Conflict, "agent_terminated", $"Agent '{agentId}' was terminated; its id cannot be used again.");
}
