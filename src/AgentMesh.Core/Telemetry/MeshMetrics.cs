using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentMesh.Agents;
using AgentMesh.Tasks;

namespace AgentMesh.Telemetry;

/// <summary>
/// The engine's instruments on the <c>AgentMesh</c> meter. Labels are bounded: tenant, task type,
/// outcome or status; never a task or agent id. Recording is lock-free and allocates nothing beyond
/// the <see cref="TagList"/> on the stack, so it may run under the engine's lock.
/// </summary>
internal sealed class MeshMetrics : IDisposable
{
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
    private static readonly double[] CommitBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
    private static readonly double[] RoutingBuckets = [0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001];
    private static readonly int[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    // The buckets OpenTelemetry's GenAI conventions advise for gen_ai.client.token.usage.
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    private readonly Meter _meter;
    private readonly Counter<long> _submitted;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _leasesExpired;
    private readonly Histogram<double> _queueTime;
    private readonly Histogram<double> _executionTime;
    private readonly Histogram<double> _endToEndTime;
    private readonly Counter<long> _routingDecisions;
    private readonly Histogram<double> _routingDuration;
    private readonly Histogram<int> _commitBatchSize;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<long> _tokenUsage;

    public MeshMetrics(
        IMeterFactory? meterFactory,
        Func<IEnumerable<Measurement<long>>> observeTasks,
        Func<IEnumerable<Measurement<long>>> observeAgents,
        Func<IEnumerable<Measurement<long>>> observeSlots,
        Func<long> observeStreamOverflows)
    {
        _meter = meterFactory?.Create(MeshTelemetry.Name) ?? new Meter(MeshTelemetry.Name);
        _submitted = _meter.CreateCounter<long>("agentmesh.tasks.submitted", "{task}", "Tasks accepted.");
        _completed = _meter.CreateCounter<long>("agentmesh.tasks.completed", "{task}", "Tasks that reached a terminal status, by outcome.");
        _deadLettered = _meter.CreateCounter<long>("agentmesh.tasks.dead_lettered", "{task}", "Tasks dead-lettered after their attempt budget was spent.");
        _leasesExpired = _meter.CreateCounter<long>("agentmesh.leases.expired", "{lease}", "Leases that expired without a result or heartbeat.");
        _queueTime = Seconds("agentmesh.task.queue_time", "From submission to the first assignment.", DurationBuckets);
        _executionTime = Seconds("agentmesh.task.execution_time", "From assignment to the end of an attempt, by attempt outcome.", DurationBuckets);
        _endToEndTime = Seconds("agentmesh.task.end_to_end_time", "From submission to the terminal status, by outcome.", DurationBuckets);
        _routingDecisions = _meter.CreateCounter<long>("agentmesh.routing.decisions", "{decision}", "Routing decisions by outcome: assigned, or no_capable_agent when no connected agent with a free slot qualifies (counted once per queue group until capacity changes).");
        _routingDuration = Seconds("agentmesh.routing.duration", "Time of one routing decision.", RoutingBuckets);
        _commitBatchSize = _meter.CreateHistogram("agentmesh.commit.batch_size", "{change_set}", "Change sets written in one store transaction.", tags: null, new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchBuckets });
        _commitDuration = Seconds("agentmesh.commit.duration", "Time of one store transaction of the group commit.", CommitBuckets);
        _tokenUsage = _meter.CreateHistogram(
            "agentmesh.genai.token.usage",
            "{token}",
            "Tokens an attempt's model calls used, as agents report them with results, by tenant, type and gen_ai.token.type (input, output).",
            tags: null,
            new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        _meter.CreateObservableGauge("agentmesh.tasks.unfinished", observeTasks, "{task}", "Unfinished tasks by tenant and status.");
        _meter.CreateObservableGauge("agentmesh.agents", observeAgents, "{agent}", "Registered agents by tenant and status.");
        _meter.CreateObservableGauge("agentmesh.agents.slots", observeSlots, "{slot}", "Agent load: task slots by tenant and state (busy: a lease is held; free: a connected agent can take a task).");
        _meter.CreateObservableCounter("agentmesh.events.stream_overflows", observeStreamOverflows, "{stream}", "Event streams cut off because their subscriber fell too far behind.");
    }

    public void Submitted(string tenant, string type)
    {
        var tags = new TagList { { "tenant", tenant }, { "type", type } };
        _submitted.Add(1, tags);
    }

    public void QueueTime(string tenant, string type, TimeSpan elapsed)
    {
        var tags = new TagList { { "tenant", tenant }, { "type", type } };
        _queueTime.Record(elapsed.TotalSeconds, tags);
    }

    public void Routed(string tenant, string type, bool assigned, TimeSpan elapsed)
    {
        if (!_routingDecisions.Enabled)
        {
            return;
        }

        var tags = new TagList { { "tenant", tenant }, { "type", type }, { "outcome", assigned ? "assigned" : "no_capable_agent" } };
        _routingDecisions.Add(1, tags);
        var durationTags = new TagList { { "tenant", tenant } };
        _routingDuration.Record(elapsed.TotalSeconds, durationTags);
    }

    public void AttemptEnded(string tenant, string type, AttemptOutcome outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "tenant", tenant }, { "type", type }, { "outcome", ToLabel(outcome) } };
        _executionTime.Record(elapsed.TotalSeconds, tags);
        if (outcome == AttemptOutcome.TimedOut)
        {
            var leaseTags = new TagList { { "tenant", tenant }, { "type", type } };
            _leasesExpired.Add(1, leaseTags);
        }
    }

    /// <summary>Called once per task, when its terminal state is durable.</summary>
    public void Completed(MeshTask task)
    {
        var tags = new TagList { { "tenant", task.Tenant }, { "type", task.Type }, { "outcome", task.Status.ToWire() } };
        _completed.Add(1, tags);
        _endToEndTime.Record(((task.FinishedAt ?? task.UpdatedAt) - task.CreatedAt).TotalSeconds, tags);
        if (task.Status == MeshTaskStatus.DeadLettered)
        {
            var deadTags = new TagList { { "tenant", task.Tenant }, { "type", task.Type } };
            _deadLettered.Add(1, deadTags);
        }
    }

    /// <summary>An accepted result's token usage: one measurement for input and one for output tokens.</summary>
    public void TokensUsed(string tenant, string type, long inputTokens, long outputTokens)
    {
        if (!_tokenUsage.Enabled)
        {
            return;
        }

        var input = new TagList { { "tenant", tenant }, { "type", type }, { "gen_ai.token.type", "input" } };
        _tokenUsage.Record(inputTokens, input);
        var output = new TagList { { "tenant", tenant }, { "type", type }, { "gen_ai.token.type", "output" } };
        _tokenUsage.Record(outputTokens, output);
    }

    public void Committed(int changeSets, TimeSpan elapsed)
    {
        _commitBatchSize.Record(changeSets);
        _commitDuration.Record(elapsed.TotalSeconds);
    }

    public static Measurement<long> Count(long value, string tenant, string status) =>
        new(value, new KeyValuePair<string, object?>("tenant", tenant), new KeyValuePair<string, object?>("status", status));

    public static Measurement<long> Slots(long value, string tenant, string state) =>
        new(value, new KeyValuePair<string, object?>("tenant", tenant), new KeyValuePair<string, object?>("state", state));

    public static string ToLabel(AgentStatus status) => status switch
    {
        AgentStatus.Offline => "offline",
        AgentStatus.Available => "available",
        AgentStatus.Busy => "busy",
        AgentStatus.Paused => "paused",
        AgentStatus.Draining => "draining",
        AgentStatus.Unhealthy => "unhealthy",
        AgentStatus.Quarantined => "quarantined",
        AgentStatus.Terminated => "terminated",
        _ => "unknown",
    };

    private static string ToLabel(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Succeeded => "succeeded",
        AttemptOutcome.Failed => "failed",
        AttemptOutcome.Declined => "declined",
        AttemptOutcome.TimedOut => "timed_out",
        AttemptOutcome.Cancelled => "cancelled",
        _ => "unknown",
    };

    private Histogram<double> Seconds(string name, string description, double[] buckets) =>
        _meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });

    public void Dispose() => _meter.Dispose();
}
