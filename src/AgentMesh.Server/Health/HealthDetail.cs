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
