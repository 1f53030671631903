namespace AgentMesh.Redis.Connection;

/// <summary>The node's view of Redis, for the operators' health report.</summary>
/// <param name="State"><c>connected</c>, <c>connecting</c> or <c>disconnected</c> (the node decides on its own meanwhile).</param>
/// <param name="Endpoint">The configured endpoints, without credentials.</param>
/// <param name="PingMilliseconds">How long a <c>PING</c> took just now; null when it failed or timed out.</param>
/// <param name="RateLimits"><c>shared</c> (buckets in Redis) or <c>local</c> (this node's own buckets, until Redis answers again).</param>
/// <param name="LastError">The last connection failure's message, or null.</param>
public sealed record RedisStatus(string State, string Endpoint, double? PingMilliseconds, string RateLimits, string? LastError);
