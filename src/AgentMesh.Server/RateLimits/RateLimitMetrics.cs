using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentMesh.Telemetry;

namespace AgentMesh.Server.RateLimits;

/// <summary><c>agentmesh.rate_limit.rejections</c> on the <c>AgentMesh</c> meter, by tenant and the limit that refused.</summary>
internal sealed class RateLimitMetrics
{
    private readonly Counter<long> _rejections;

    public RateLimitMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeshTelemetry.Name);
        _rejections = meter.CreateCounter<long>("agentmesh.rate_limit.rejections", "{request}", "Requests refused with 429 by a rate limit, by tenant and limit (tenant, key, address).");
    }

    public void Rejected(string? tenant, string limit)
    {
        var tags = new TagList { { "tenant", tenant ?? string.Empty }, { "limit", limit } };
        _rejections.Add(1, tags);
    }
}
