using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentMesh.Telemetry;

namespace AgentMesh.Caching;

/// <summary>
/// The read caches' hit and miss counters (<c>agentmesh.cache.hits</c>, <c>agentmesh.cache.misses</c>), one pair for
/// every cache of the node, told apart by the tag <c>kind</c> (<c>task</c>, <c>key</c>, <c>tenant</c>, <c>agent</c>).
/// </summary>
public sealed class CacheCounters : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;

    /// <param name="meterFactory">Creates the <c>AgentMesh</c> meter; without one the counters have a meter of their own.</param>
    public CacheCounters(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(MeshTelemetry.Name) ?? new Meter(MeshTelemetry.Name);
        _hits = _meter.CreateCounter<long>("agentmesh.cache.hits", "{read}", "Reads answered by a read cache (memory or Redis), by kind.");
        _misses = _meter.CreateCounter<long>("agentmesh.cache.misses", "{read}", "Reads a read cache passed to the store, by kind.");
    }

    /// <summary>The tags of a kind; exported from now on, so a hit ratio reads 0 of 0 rather than nothing.</summary>
    public TagList Kind(string kind)
    {
        var tags = new TagList { { "kind", kind } };
        _hits.Add(0, tags);
        _misses.Add(0, tags);
        return tags;
    }

    /// <summary>Counts one read of <paramref name="kind"/>: a miss when it went to the store (or, for agents, the leader), otherwise a hit.</summary>
    public void Read(in TagList kind, bool fromStore) => (fromStore ? _misses : _hits).Add(1, kind);

    public void Miss(in TagList kind) => _misses.Add(1, kind);

    public void Dispose() => _meter.Dispose();
}
