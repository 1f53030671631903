using AgentMesh.Caching;
using AgentMesh.Keys;
using AgentMesh.Redis;
using AgentMesh.Redis.Caching;
using AgentMesh.Server.Cluster;
using AgentMesh.Tasks;
using AgentMesh.Tenants;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Caching;

/// <summary>
/// The read cache of finished tasks (<c>AgentMesh:Cache</c>): a <see cref="HybridCache"/> with this node's memory as L1
/// and, when the node has Redis (<c>ConnectionStrings:Redis</c>), Redis as L2 over the node's one connection. A cluster
/// node with Redis also caches keys and tenants, and agent reads it asked the leader for, so that as a follower it answers
/// reads itself (<see cref="FollowerReads"/>).
/// </summary>
internal static class NodeCache
{
    public static WebApplicationBuilder AddAgentMeshCache(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CacheOptions>, CacheOptionsValidation>();
        var options = builder.Configuration.GetSection(CacheOptions.Section).Get<CacheOptions>() ?? new CacheOptions();
        if (!options.Enabled)
        {
            return builder;
        }

        var shared = !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Redis"));
        if (shared)
        {
            builder.Services.AddSingleton<RedisDistributedCache>(static sp => new(
                sp.GetRequiredService<RedisConnection>(),
                sp.GetRequiredService<AgentMesh.Resilience.DependencyPipelines>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<RedisDistributedCache>>()));
            builder.Services.AddSingleton<IDistributedCache>(static sp => sp.GetRequiredService<RedisDistributedCache>());
        }

        var hybrid = builder.Services.AddHybridCache(o =>
            {
                o.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = options.Expiration, LocalCacheExpiration = options.LocalExpiration };
                o.ReportTagMetrics = false;
            })
            .AddSerializer<MeshTask, MeshTaskSerializer>();
        builder.Services.AddSingleton(sp => new FinishedTaskCache(
            sp.GetRequiredService<HybridCache>(),
            sp.GetRequiredService<IOptions<CacheOptions>>().Value,
            shared,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FinishedTaskCache>>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        if (shared && ClusterServices.IsCluster(builder.Configuration))
        {
            // Followers answer reads themselves: keys, tenants and the leader's agent answers through the cache, under the
            // leader's directory version.
            hybrid.AddSerializer(new DirectoryEntrySerializer<ApiKeyRecord>(DirectoryCacheJsonContext.Default.ApiKeyRecord))
                .AddSerializer(new DirectoryEntrySerializer<Tenant>(DirectoryCacheJsonContext.Default.Tenant))
                .AddSerializer(new DirectoryEntrySerializer<FollowerAnswer>(DirectoryCacheJsonContext.Default.FollowerAnswer));
            builder.Services.AddAgentMeshFollowerReads();
        }

        return builder;
    }
}
