using AgentMesh.Caching;
using AgentMesh.Engine;
using AgentMesh.PostgreSql;
using AgentMesh.Redis;
using AgentMesh.Redis.Caching;
using AgentMesh.Resilience;
using AgentMesh.Server.Caching;
using AgentMesh.Server.Hosting;
using AgentMesh.Storage;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Cluster;

/// <summary>Registration of a cluster node: the lease, the coordinator that starts the engine when leading, and forwarding.</summary>
internal static class ClusterServices
{
    public static IServiceCollection AddAgentMeshCluster(this IServiceCollection services)
    {
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section)
            .Validate(static o => o.LeaseDuration >= TimeSpan.FromSeconds(1), $"{ClusterOptions.Section}:LeaseDuration must be at least 1 s.")
            .Validate(static o => o.CheckInterval > TimeSpan.Zero && o.CheckInterval * 3 <= o.LeaseDuration, $"{ClusterOptions.Section}:CheckInterval must be positive and at most a third of LeaseDuration.")
            .Validate(static o => o.AdvertiseUrl is null || Uri.TryCreate(o.AdvertiseUrl, UriKind.Absolute, out _), $"{ClusterOptions.Section}:AdvertiseUrl must be an absolute URL.")
            .ValidateOnStart();
        services.AddSingleton(static sp => new ClusterState(
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.NodeId is { Length: > 0 } id ? id : "node-" + Guid.NewGuid().ToString("N")[..12]));
        services.AddSingleton(static sp => (PostgresMeshStore)sp.GetRequiredService<IMeshStore>());
        services.AddSingleton<PostgresLeadership>();
        services.AddSingleton<BootstrapKey>();
        services.AddSingleton<LeaderForwarding>();
        services.AddHostedService<ClusterCoordinator>();
        services.AddHttpClient(LeaderForwarding.ClientName, static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                AutomaticDecompression = System.Net.DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectTimeout = TimeSpan.FromSeconds(2),
                MaxConnectionsPerServer = 1024,
            });
        return services;
    }

    /// <summary>
    /// A follower's own answers to reads (with Redis and the read cache): the directory version the leader publishes and
    /// the follower reads, the directory cache and the cache of agent reads.
    /// </summary>
    public static IServiceCollection AddAgentMeshFollowerReads(this IServiceCollection services)
    {
        services.AddSingleton(static sp => new RedisDirectoryVersion(
            sp.GetRequiredService<RedisConnection>(),
            sp.GetRequiredService<DependencyPipelines>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RedisDirectoryVersion>>()));
        services.AddSingleton<DirectoryVersionPublisher>();
        services.AddSingleton<IDirectoryChangeListener>(static sp => sp.GetRequiredService<DirectoryVersionPublisher>());
        services.AddSingleton(static sp => new DirectoryCache(
            sp.GetRequiredService<HybridCache>(),
            sp.GetRequiredService<PostgresMeshStore>(),
            sp.GetRequiredService<IOptions<CacheOptions>>().Value,
            sp.GetRequiredService<FinishedTaskCache>().Counters));
        services.AddSingleton(static sp => new AgentReadCache(
            sp.GetRequiredService<HybridCache>(),
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<ClusterState>(),
            sp.GetRequiredService<IOptions<CacheOptions>>().Value,
            sp.GetRequiredService<FinishedTaskCache>().Counters,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<FollowerReads>();
        return services;
    }

    /// <summary>
    /// Forwarding, first in the pipeline after the request id, so a follower neither authenticates nor limits what it
    /// forwards; a read it answers itself goes on through the pipeline like a leader's.
    /// </summary>
    public static void UseLeaderForwarding(this WebApplication app)
    {
        if (app.Services.GetService<ClusterState>() is null)
        {
            return;
        }

        var forwarding = app.Services.GetRequiredService<LeaderForwarding>();
        app.Use((http, next) => forwarding.InvokeAsync(http, next));
    }

    /// <summary>Whether the engine should be started by the host (embedded) or by the coordinator (cluster).</summary>
    public static bool IsCluster(IConfiguration configuration) => StoreKinds.Parse(configuration[StoreKinds.Setting]) == StoreKind.Postgres;
}
