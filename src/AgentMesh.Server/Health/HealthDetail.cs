using System.Text.Json.Serialization;
using AgentMesh.Nats.Outbox;
using AgentMesh.Redis.Connection;

namespace AgentMesh.Server.Health;

/// <summary>The operators' report at <c>/health/detail</c>; <see cref="Nats"/> only when the relay runs, <see cref="Redis"/> only when Redis is configured.</summary>
internal sealed record HealthDetail(
    string Status,
    string Version,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    StoreHealth Store,
    EngineHealth Engine,
    CacheHealth Cache,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] NatsRelayStatus? Nats,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RedisStatus? Redis);

internal sealed record StoreHealth(string Kind, string Status, double PingMilliseconds);

internal sealed record EngineHealth(
    bool Running,
    int Tenants,
    int UnfinishedTasks,
    int ConnectedAgents,
    IReadOnlyDictionary<string, int> Agents,
    int CommitQueueDepth,
    long CommitBatches);

/// <summary>The read cache of finished tasks.</summary>
/// <param name="Enabled">Whether finished tasks are cached (<c>AgentMesh:Cache:Enabled</c>).</param>
/// <param name="Levels"><c>memory</c>, or <c>memory+redis</c> when Redis is the shared level; <c>none</c> when off.</param>
/// <param name="Redis"><c>available</c>, or <c>unavailable</c> while reads go to memory and the store only; null without Redis.</param>
internal sealed record CacheHealth(bool Enabled, string Levels, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Redis);
