using AgentMesh.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="AgentMeshClient"/> with <see cref="IHttpClientFactory"/>.</summary>
public static class AgentMeshClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AgentMeshClient"/> as a typed HTTP client configured by <paramref name="configure"/>.
    /// The primary handler recycles pooled connections every 2 minutes, so the client may be held for the process lifetime.
    /// The factory's per-request log lines are off; add them back on the returned builder when wanted.
    /// </summary>
    /// <returns>The HTTP client builder, to add handlers.</returns>
    public static IHttpClientBuilder AddAgentMeshClient(this IServiceCollection services, Action<AgentMeshClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AgentMeshClientOptions>().Configure(configure);
        return AddCore(services);
    }

    internal static IHttpClientBuilder AddCore(IServiceCollection services)
    {
        services.AddOptions<AgentMeshClientOptions>()
            .Validate(options => options.Problem() is null, "AgentMesh client: BaseAddress and ApiKey are required; Timeout must exceed 30 s.");
        services.TryAddSingleton(TimeProvider.System);
        return services
            .AddHttpClient<AgentMeshClient>(static (provider, http) => provider.GetRequiredService<IOptions<AgentMeshClientOptions>>().Value.Apply(http))
            .ConfigurePrimaryHttpMessageHandler(AgentMeshClientOptions.CreatePrimaryHandler)
            .ConfigureAdditionalHttpMessageHandlers(static (handlers, provider) =>
            {
                if (provider.GetRequiredService<IOptions<AgentMeshClientOptions>>().Value.CreateFailoverHandler() is { } failover)
                {
                    handlers.Add(failover);
                }
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
    }
}
