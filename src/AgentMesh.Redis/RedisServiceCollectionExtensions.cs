using AgentMesh.Redis.RateLimits;
using AgentMesh.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMesh.Redis;

/// <summary>Registers AgentMesh's Redis adapters.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// The <see cref="RedisConnection"/> (connected when the host starts) and the shared <see cref="RedisTokenBuckets"/>.
    /// Configure <see cref="RedisOptions"/> (at least <see cref="RedisOptions.ConnectionString"/>) before the host starts;
    /// the buckets call Redis through the <see cref="Dependencies.Redis"/> pipeline of the node's
    /// <see cref="DependencyPipelines"/>, which must be registered too.
    /// </summary>
    public static IServiceCollection AddAgentMeshRedis(this IServiceCollection services)
    {
        services.AddOptions<RedisOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisOptionsValidation>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RedisConnection>();
        services.AddHostedService(static sp => sp.GetRequiredService<RedisConnection>());
        services.AddSingleton(static sp => new RedisTokenBuckets(
            sp.GetRequiredService<RedisConnection>(),
            sp.GetRequiredService<DependencyPipelines>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RedisTokenBuckets>>()));
        return services;
    }
}
