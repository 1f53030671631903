using AgentMesh.Agents;
using AgentMesh.Routing;

namespace AgentMesh.Engine;

/// <summary>An agent's live state inside the engine. Guarded by the engine's lock.</summary>
internal sealed class LiveAgent(AgentRecord record, TenantState tenant)
{
    private const int OutcomeWindow = 100;
    private const double LatencyAlpha = 0.2;

    private readonly bool[] _outcomes = new bool[OutcomeWindow];
    private int _outcomeCount;
    private int _outcomeNext;
    private int _successes;

    public AgentRecord Record { get; set; } = record;

    public TenantState Tenant { get; } = tenant;

    public string Id => Record.Id;

    public HashSet<Guid> Leases { get; } = [];

    public int InFlight => Leases.Count;

    public int FreeSlots => Math.Max(0, Record.MaxConcurrency - Leases.Count);

    public bool Connected { get; set; }

    /// <summary>Was connected once since the node started: a silent agent is then unhealthy, not offline.</summary>
    public bool WasConnected { get; set; }

    public DateTimeOffset? LastSeen { get; set; }

    public long Assigned { get; set; }

    public long Completed { get; set; }

    public long Failed { get; set; }

    public double LatencyMs { get; private set; }

    public double SuccessRate => _outcomeCount == 0 ? 1.0 : (double)_successes / _outcomeCount;

    /// <summary>Increases with every assignment; the lowest wins ties, so ties rotate.</summary>
    public long LastAssignedTick { get; set; }

    /// <summary>Assignments committed and waiting for the agent's next poll.</summary>
    public Queue<Assignment> Inbox { get; } = new();

    public PollWaiter? Waiter { get; set; }

    /// <summary>Tasks whose cancellation the agent has not been told of yet.</summary>
    public Queue<Guid> PendingCancellations { get; } = new();

    /// <summary>The index entries this agent currently has, one per capability plus one in the all-agents set.</summary>
    public List<CandidateEntry>? Entries { get; set; }

    public bool Eligible =>
        Record.AdminState == AgentAdminState.Active && Connected && Leases.Count < Record.MaxConcurrency;

    /// <summary>Connected: seen within the heartbeat timeout, or waiting in a poll right now.</summary>
    public bool IsSilentSince(DateTimeOffset cutoff) => Waiter is null && (LastSeen is null || LastSeen < cutoff);

    public AgentStatus Status => Record.AdminState switch
    {
        AgentAdminState.Terminated => AgentStatus.Terminated,
        AgentAdminState.Quarantined => AgentStatus.Quarantined,
        AgentAdminState.Paused => AgentStatus.Paused,
        AgentAdminState.Draining => Leases.Count > 0 ? AgentStatus.Draining : AgentStatus.Offline,
        _ when !Connected => WasConnected ? AgentStatus.Unhealthy : AgentStatus.Offline,
        _ when Leases.Count >= Record.MaxConcurrency => AgentStatus.Busy,
        _ => AgentStatus.Available,
    };

    public void RecordOutcome(bool success, double? latencyMs)
    {
        if (_outcomeCount == OutcomeWindow)
        {
            if (_outcomes[_outcomeNext])
            {
                _successes--;
            }
        }
        else
        {
            _outcomeCount++;
        }

        _outcomes[_outcomeNext] = success;
        if (success)
        {
            _successes++;
        }

        _outcomeNext = (_outcomeNext + 1) % OutcomeWindow;

        if (latencyMs is { } sample)
        {
            LatencyMs = LatencyMs == 0 ? sample : (LatencyAlpha * sample) + ((1 - LatencyAlpha) * LatencyMs);
        }
    }

    public double ScoreFor(RoutingWeights weights, double level) =>
        RouteScorer.Score(weights, level, FreeSlots, Record.MaxConcurrency, SuccessRate, LatencyMs);

    public double LevelOf(string capability)
    {
        var capabilities = Record.Capabilities;
        for (var i = 0; i < capabilities.Count; i++)
        {
            if (string.Equals(capabilities[i].Name, capability, StringComparison.Ordinal))
            {
                return capabilities[i].Level;
            }
        }

        return -1;
    }

    public AgentView ToView() => new()
    {
        Id = Record.Id,
        Tenant = Record.Tenant,
        Name = Record.Name,
        Type = Record.Type,
        Description = Record.Description,
        Capabilities = Record.Capabilities,
        MaxConcurrency = Record.MaxConcurrency,
        Tags = Record.Tags,
        Metadata = Record.Metadata,
        Supervisor = Record.Supervisor,
        Status = Status,
        Connected = Connected,
        InFlight = Leases.Count,
        Stats = new AgentStats(Assigned, Completed, Failed, SuccessRate, Math.Round(LatencyMs, 3)),
        LastHeartbeat = LastSeen,
        CreatedAt = Record.CreatedAt,
        UpdatedAt = Record.UpdatedAt,
        Version = Record.Version,
    };
}

/// <summary>A poll waiting for work. Completed (true) when work or a cancellation notice arrives, false when replaced.</summary>
internal sealed class PollWaiter
{
    public TaskCompletionSource<bool> Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
