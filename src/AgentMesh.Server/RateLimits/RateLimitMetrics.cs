using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentMesh.Telemetry;

namespace AgentMesh.Server.RateLimits;

/// <summary>
/// <c>agentmesh.rate_limit.rejections</c> on the <c>AgentMesh</c> meter, by tenant and the limit that refused, and
/// <c>agentmesh.rate_limit.local_decisions</c>: with Redis configured, the decisions made without it.
/// </summary>
internal sealed class RateLimitMetrics
{
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _localDecisions;

    public RateLimitMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeshTelemetry.Name);
        _rejections = meter.CreateCounter<long>("agentmesh.rate_limit.rejections", "{request}", "Requests refused with 429 by a rate limit, by tenant and limit (tenant, key, address).");
        _localDecisions = meter.CreateCounter<long>(
            "agentmesh.rate_limit.local_decisions",
            "{decision}",
            "Rate-limit decisions this node made with its own buckets because Redis did not answer in time, by limit (tenant, key, address).");
    }

    public void DecidedLocally(string limit) => _localDecisions.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public void Rejected(string? tenant, string limit)
    {
        var tags = new TagList { { "tenant", tenant ?? string.Empty }, { "limit", limit } };
        _rejections.Add(1, tags);
    }
}
