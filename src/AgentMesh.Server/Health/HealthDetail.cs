using System.Text.Json.Serialization;
using AgentMesh.Nats.Outbox;

namespace AgentMesh.Server.Health;

/// <summary>The operators' report at <c>/health/detail</c>; <see cref="Nats"/> only in cluster mode, when the relay runs.</summary>
internal sealed record HealthDetail(
    string Status,
    string Version,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    StoreHealth Store,
    EngineHealth Engine,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] NatsRelayStatus? Nats);

internal sealed record StoreHealth(string Kind, string Status, double PingMilliseconds);

internal sealed record EngineHealth(
    bool Running,
    int Tenants,
    int UnfinishedTasks,
    int ConnectedAgents,
    IReadOnlyDictionary<string, int> Agents,
    int CommitQueueDepth,
    long CommitBatches);
