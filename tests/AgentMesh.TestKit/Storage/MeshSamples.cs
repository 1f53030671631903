using System.Text;
using AgentMesh.Agents;
using AgentMesh.Events;
using AgentMesh.Keys;
using AgentMesh.Tasks;
using AgentMesh.Tenants;

namespace AgentMesh.TestKit.Storage;

/// <summary>Entities with every field set to a value a store could get wrong (odd ticks, offsets, empties).</summary>
public static class MeshSamples
{
    /// <summary>A time with sub-millisecond ticks, so that a store rounding to ms, µs or seconds is caught.</summary>
    public static readonly DateTimeOffset Epoch = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    public static Tenant Tenant(string id = "acme") => new()
    {
        Id = id,
        Name = $"Tenant {id}",
        CreatedAt = Epoch,
    };

    public static ApiKeyRecord Key(string id, string? tenant = "acme") => new()
    {
        Id = id,
        Tenant = tenant,
        Name = $"key {id}",
        Roles = [Roles.Submitter, Roles.Viewer],
        SecretHash = Convert.ToHexStringLower(Encoding.UTF8.GetBytes(id)),
        CreatedAt = Epoch.AddTicks(11),
    };

    public static AgentRecord Agent(string id, string tenant = "acme") => new()
    {
        Tenant = tenant,
        Id = id,
        Name = $"Agent {id}",
        Type = "summarizer",
        Description = "Summarizes long documents.",
        Capabilities = [new Capability("nlp.summarize", 4.5), new Capability("lang.en", 1.0)],
        MaxConcurrency = 8,
        Tags = ["gpu", "eu-west"],
        Metadata = new Dictionary<string, string> { ["model"] = "small", ["owner"] = "team-a" },
        Supervisor = "lead-agent",
        AdminState = AgentAdminState.Paused,
        CreatedAt = Epoch.AddTicks(21),
        UpdatedAt = Epoch.AddSeconds(5).AddTicks(3),
        Version = 3,
    };

    /// <summary>A newly submitted task (version 1) with only the required fields.</summary>
    public static MeshTask Task(string tenant = "acme", Guid? id = null, string type = "echo") => new()
    {
        Id = id ?? Guid.CreateVersion7(Epoch),
        Tenant = tenant,
        Type = type,
        Status = MeshTaskStatus.Queued,
        Input = """{"n":1}""",
        CreatedAt = Epoch,
        UpdatedAt = Epoch,
    };

    /// <summary>A running task on its second attempt with every optional field set.</summary>
    public static MeshTask FullTask(string tenant = "acme") => new()
    {
        Id = Guid.CreateVersion7(Epoch),
        Tenant = tenant,
        Type = "summarize",
        Status = MeshTaskStatus.Running,
        Input = """{ "text" : "héllo \u00e9 wörld",  "n": [1, 2.50, null], "nested": {"a": true} }""",
        Output = """{"summary":"hi"}""",
        Error = new TaskError("rate_limited", "Slow down."),
        Requirements = [new Requirement("nlp.summarize", 3.5), new Requirement("lang.en", 0)],
        Priority = 5,
        Deadline = new DateTimeOffset(2026, 11, 24, 13, 0, 0, TimeSpan.FromHours(2)).AddTicks(9),
        Timeout = 120,
        MaxAttempts = 6,
        IdempotencyKey = "order-17",
        TargetAgent = "agent-1",
        Strategy = RoutingStrategy.LeastLoaded,
        ParentTaskId = Guid.CreateVersion7(Epoch.AddSeconds(-10)),
        WorkflowId = Guid.CreateVersion7(Epoch.AddSeconds(-20)),
        CorrelationId = "corr-1",
        Labels = new Dictionary<string, string> { ["team"] = "search", ["env"] = "prod" },
        RequiresApproval = true,
        RequiredSuccessRate = 0.875,
        CancelRequested = true,
        Progress = new TaskProgress(40, "reading"),
        Attempts =
        [
            new TaskAttempt
            {
                Number = 1,
                AgentId = "agent-2",
                LeaseStartedAt = Epoch.AddTicks(1),
                LeaseEndedAt = Epoch.AddMinutes(2).AddTicks(1),
                Outcome = AttemptOutcome.TimedOut,
                Error = new TaskError("lease_expired", "No heartbeat."),
            },
            new TaskAttempt { Number = 2, AgentId = "agent-1", LeaseStartedAt = Epoch.AddMinutes(3).AddTicks(5) },
        ],
        AttemptBudgetStart = 1,
        CreatedAt = Epoch,
        UpdatedAt = Epoch.AddMinutes(3).AddTicks(5),
        NextAttemptAt = Epoch.AddSeconds(3).AddTicks(3),
        FinishedAt = Epoch.AddMinutes(9).AddTicks(9),
        AgentId = "agent-1",
        LeaseToken = "lease-7f3a",
        LeaseExpiresAt = Epoch.AddMinutes(5).AddTicks(5),
        TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        Version = 1,
    };

    /// <summary>The next version of <paramref name="task"/>, leased to <paramref name="agentId"/>.</summary>
    public static MeshTask Assigned(MeshTask task, string agentId = "agent-1") => task with
    {
        Status = MeshTaskStatus.Running,
        AgentId = agentId,
        LeaseToken = $"lease-{task.Version + 1}",
        LeaseExpiresAt = task.UpdatedAt.AddMinutes(5),
        Attempts = [.. task.Attempts, new TaskAttempt { Number = task.Attempts.Count + 1, AgentId = agentId, LeaseStartedAt = task.UpdatedAt.AddTicks(1) }],
        UpdatedAt = task.UpdatedAt.AddTicks(1),
        Version = task.Version + 1,
    };

    /// <summary>The next version of <paramref name="task"/>, succeeded with an output.</summary>
    public static MeshTask Succeeded(MeshTask task) => task with
    {
        Status = MeshTaskStatus.Succeeded,
        Output = """{"ok":true}""",
        Attempts = [.. task.Attempts.SkipLast(1), task.Attempts[^1] with { LeaseEndedAt = task.UpdatedAt.AddTicks(2), Outcome = AttemptOutcome.Succeeded }],
        LeaseToken = null,
        LeaseExpiresAt = null,
        UpdatedAt = task.UpdatedAt.AddTicks(2),
        FinishedAt = task.UpdatedAt.AddTicks(2),
        Version = task.Version + 1,
    };

    public static MeshEvent Event(string tenant = "acme", string type = EventTypes.TaskSubmitted, Guid? taskId = null) => new()
    {
        Id = Guid.CreateVersion7(Epoch),
        Tenant = tenant,
        Type = type,
        Subject = taskId is { } id ? $"tasks/{id}" : $"tenants/{tenant}",
        Time = Epoch.AddTicks(3),
        TaskId = taskId,
        AgentId = "agent-1",
        TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        Data = Encoding.UTF8.GetBytes($$"""{"taskId":"{{taskId}}","status":"queued"}"""),
    };
}
