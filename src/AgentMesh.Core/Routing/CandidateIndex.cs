using AgentMesh.Engine;
using AgentMesh.Tasks;

namespace AgentMesh.Routing;

/// <summary>
/// A tenant's eligible agents (connected, active, with a free slot), one sorted set per capability
/// ordered by the default score for that capability, plus one set of all of them. A routing decision
/// for one requirement reads the best entry in O(log n) instead of scanning agents. Several
/// requirements, or another strategy, walk the smallest capability set in its score order and take
/// the best of the first <see cref="ScanLimit"/> agents that qualify: the order already carries the
/// load, success and latency terms, so the best overall is almost always among them, and a decision
/// stays O(log n + ScanLimit) however many agents there are.
/// </summary>
internal sealed class CandidateIndex(RoutingWeights weights)
{
    /// <summary>The level that gives a full capability term, used when a task names no requirement.</summary>
    private const double FullLevel = 5.0;

    /// <summary>Qualifying candidates a multi-requirement or non-default decision compares at most.</summary>
    public const int ScanLimit = 64;

    private readonly Dictionary<string, SortedSet<CandidateEntry>> _byCapability = new(StringComparer.Ordinal);
    private readonly SortedSet<CandidateEntry> _all = new(CandidateOrder.Instance);

    public RoutingWeights Weights { get; set; } = weights;

    public int Count => _all.Count;

    /// <summary>Puts the agent back with fresh scores, or takes it out if it is no longer eligible.</summary>
    public void Refresh(LiveAgent agent)
    {
        Remove(agent);
        if (agent.Eligible)
        {
            Add(agent);
        }
    }

    public void Remove(LiveAgent agent)
    {
        if (agent.Entries is not { } entries)
        {
            return;
        }

        foreach (var entry in entries)
        {
            SetFor(entry.CapabilityName)?.Remove(entry);
        }

        agent.Entries = null;
    }

    private void Add(LiveAgent agent)
    {
        var entries = new List<CandidateEntry>(agent.Record.Capabilities.Count + 1);
        var all = new CandidateEntry(agent, null, FullLevel, agent.ScoreFor(Weights, FullLevel), agent.LastAssignedTick);
        _all.Add(all);
        entries.Add(all);
        foreach (var capability in agent.Record.Capabilities)
        {
            if (!_byCapability.TryGetValue(capability.Name, out var set))
            {
                set = new SortedSet<CandidateEntry>(CandidateOrder.Instance);
                _byCapability[capability.Name] = set;
            }

            var entry = new CandidateEntry(agent, capability.Name, capability.Level, agent.ScoreFor(Weights, capability.Level), agent.LastAssignedTick);
            set.Add(entry);
            entries.Add(entry);
        }

        agent.Entries = entries;
    }

    /// <summary>The agent that should get the task now, or null when no eligible agent qualifies.</summary>
    public LiveAgent? Choose(LiveTask task)
    {
        var snapshot = task.Snapshot;
        var requirements = snapshot.Requirements;
        var set = SmallestSet(requirements);
        if (set is null || set.Count == 0)
        {
            return null;
        }

        if (snapshot.Strategy == RoutingStrategy.Default && requirements.Count <= 1)
        {
            var minLevel = requirements.Count == 1 ? requirements[0].MinLevel : 0;
            var head = set.Min!;
            if (head.Level >= minLevel && Allowed(task, head.Agent) && head.Agent.Id != task.AvoidAgent)
            {
                return head.Agent;
            }

            LiveAgent? fallback = null;
            foreach (var entry in set)
            {
                if (entry.Level < minLevel || !Allowed(task, entry.Agent))
                {
                    continue;
                }

                if (entry.Agent.Id == task.AvoidAgent)
                {
                    fallback ??= entry.Agent;
                    continue;
                }

                return entry.Agent;
            }

            return fallback;
        }

        return Scan(task, set);
    }

    private LiveAgent? Scan(LiveTask task, SortedSet<CandidateEntry> set)
    {
        var snapshot = task.Snapshot;
        LiveAgent? best = null, avoided = null;
        double bestMetric = double.MinValue;
        var compared = 0;
        foreach (var entry in set)
        {
            if (compared == ScanLimit)
            {
                break;
            }

            var agent = entry.Agent;
            if (!Allowed(task, agent) || !Qualifies(agent, snapshot.Requirements, out var meanLevel))
            {
                continue;
            }

            if (agent.Id == task.AvoidAgent)
            {
                avoided = agent;
                continue;
            }

            compared++;
            var metric = snapshot.Strategy switch
            {
                RoutingStrategy.LeastLoaded => -agent.InFlight,
                RoutingStrategy.RoundRobin => -agent.LastAssignedTick,
                _ => agent.ScoreFor(Weights, meanLevel),
            };
            if (best is null || metric > bestMetric || (metric == bestMetric && agent.LastAssignedTick < best.LastAssignedTick))
            {
                best = agent;
                bestMetric = metric;
            }
        }

        return best ?? avoided;
    }

    /// <summary>Whether the agent holds every requirement at its minimum level; the mean level is what the score uses.</summary>
    public static bool Qualifies(LiveAgent agent, IReadOnlyList<Requirement> requirements, out double meanLevel)
    {
        if (requirements.Count == 0)
        {
            meanLevel = FullLevel;
            return true;
        }

        double sum = 0;
        for (var i = 0; i < requirements.Count; i++)
        {
            var requirement = requirements[i];
            var level = agent.LevelOf(requirement.Capability);
            if (level < 0 || level < requirement.MinLevel)
            {
                meanLevel = 0;
                return false;
            }

            sum += level;
        }

        meanLevel = sum / requirements.Count;
        return true;
    }

    private static bool Allowed(LiveTask task, LiveAgent agent) => task.Excluded is null || !task.Excluded.Contains(agent.Id);

    private SortedSet<CandidateEntry>? SmallestSet(IReadOnlyList<Requirement> requirements)
    {
        if (requirements.Count == 0)
        {
            return _all;
        }

        SortedSet<CandidateEntry>? smallest = null;
        foreach (var requirement in requirements)
        {
            if (!_byCapability.TryGetValue(requirement.Capability, out var set) || set.Count == 0)
            {
                return null;
            }

            if (smallest is null || set.Count < smallest.Count)
            {
                smallest = set;
            }
        }

        return smallest;
    }

    private SortedSet<CandidateEntry>? SetFor(string? capability) =>
        capability is null ? _all : _byCapability.GetValueOrDefault(capability);
}
