using AgentMesh.Redis;
using AgentMesh.Redis.Connection;
using AgentMesh.Redis.RateLimits;
using AgentMesh.Resilience;

namespace AgentMesh.Server.Hosting;

/// <summary>
/// Redis, when <c>ConnectionStrings:Redis</c> is set: request rate limits shared by every node (settings under
/// <c>AgentMesh:Redis</c>), behind the <see cref="Dependencies.Redis"/> resilience pipeline (<c>AgentMesh:Resilience:Redis</c>).
/// </summary>
internal static class NodeRedis
{
    /// <summary>Settings of earlier versions that the Redis pipeline's settings replaced: a node refuses to start with one set rather than ignore it.</summary>
    private static readonly (string Setting, string Replacement)[] Retired =
    [
        ($"{RedisOptions.Section}:OperationTimeout", $"{DependencyResilienceOptions.Section}:{Dependencies.Redis}:Timeout"),
        ($"{RedisOptions.Section}:RetryInterval", $"{DependencyResilienceOptions.Section}:{Dependencies.Redis}:BreakDuration"),
    ];

    /// <summary>Adds the Redis connection and the shared rate-limit buckets; without a connection string nothing is added and limits stay per node.</summary>
    public static WebApplicationBuilder AddAgentMeshRedis(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return builder;
        }

        var options = builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).Configure(o => o.ConnectionString = connectionString.Trim());
        var configuration = builder.Configuration;
        foreach (var (setting, replacement) in Retired)
        {
            options.Validate(_ => configuration[setting] is null, $"{setting} is no longer read: set {replacement} instead (the Redis resilience pipeline's setting).");
        }

        builder.Services.AddAgentMeshRedis();
        return builder;
    }

    /// <summary>Redis as this node sees it, for <c>/health/detail</c>; null when the node has no Redis.</summary>
    public static async Task<RedisStatus?> StatusAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<RedisConnection>() is not { } connection)
        {
            return null;
        }

        var ping = await connection.PingAsync(services.GetRequiredService<DependencyPipelines>().Options(Dependencies.Redis).Timeout, cancellationToken);
        var shared = services.GetService<RedisTokenBuckets>() is { IsShared: true } && ping is not null;
        return new RedisStatus(
            connection.State,
            connection.Endpoint,
            ping is { } round ? Math.Round(round.TotalMilliseconds, 3) : null,
            shared ? "shared" : "local",
            connection.LastError);
    }
}
