namespace AgentMesh.Events;

/// <summary>Every event type the mesh records.</summary>
public static class EventTypes
{
    public const string TenantCreated = "agentmesh.tenant.created";
    public const string KeyCreated = "agentmesh.key.created";
    public const string KeyRevoked = "agentmesh.key.revoked";

    public const string AgentRegistered = "agentmesh.agent.registered";
    public const string AgentUpdated = "agentmesh.agent.updated";
    public const string AgentConnected = "agentmesh.agent.connected";
    public const string AgentUnhealthy = "agentmesh.agent.unhealthy";
    public const string AgentPaused = "agentmesh.agent.paused";
    public const string AgentResumed = "agentmesh.agent.resumed";
    public const string AgentDraining = "agentmesh.agent.draining";
    public const string AgentQuarantined = "agentmesh.agent.quarantined";
    public const string AgentReleased = "agentmesh.agent.released";
    public const string AgentTerminated = "agentmesh.agent.terminated";

    public const string TaskSubmitted = "agentmesh.task.submitted";
    public const string TaskApproved = "agentmesh.task.approved";
    public const string TaskQueued = "agentmesh.task.queued";
    public const string TaskAssigned = "agentmesh.task.assigned";
    public const string TaskProgress = "agentmesh.task.progress";
    public const string TaskSucceeded = "agentmesh.task.succeeded";
    public const string TaskAttemptFailed = "agentmesh.task.attempt_failed";
    public const string TaskFailed = "agentmesh.task.failed";
    public const string TaskDeclined = "agentmesh.task.declined";
    public const string TaskLeaseExpired = "agentmesh.task.lease_expired";
    public const string TaskReleased = "agentmesh.task.released";
    public const string TaskDeadLettered = "agentmesh.task.dead_lettered";
    public const string TaskCancelRequested = "agentmesh.task.cancel_requested";
    public const string TaskCancelled = "agentmesh.task.cancelled";
    public const string TaskExpired = "agentmesh.task.expired";
    public const string TaskRetried = "agentmesh.task.retried";
}
