using System.Diagnostics.Metrics;
using AgentMesh.Engine;
using AgentMesh.Nats.Outbox;
using AgentMesh.Resilience;
using AgentMesh.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMesh.Nats;

/// <summary>Registers AgentMesh's NATS adapters.</summary>
public static class NatsServiceCollectionExtensions
{
    /// <summary>
    /// Runs <see cref="NatsOutboxRelay"/> as a hosted service over the registered <see cref="IEventOutbox"/>. Configure
    /// <see cref="NatsRelayOptions"/> (at least <see cref="NatsRelayOptions.Url"/>) before the host starts. When a
    /// <see cref="MeshEngine"/> is registered its commits wake the relay at once, and the relay publishes only while
    /// the engine runs (in a cluster, on the leader alone).
    /// </summary>
    public static IServiceCollection AddAgentMeshNatsRelay(this IServiceCollection services)
    {
        services.AddOptions<NatsRelayOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NatsRelayOptions>, NatsRelayOptionsValidation>());
        services.AddSingleton(static sp => new NatsOutboxRelay(
            sp.GetRequiredService<IEventOutbox>(),
            sp.GetRequiredService<IOptions<NatsRelayOptions>>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<NatsOutboxRelay>>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<MeshEngine>()?.Events,
            sp.GetService<MeshEngine>() is { } engine ? () => engine.IsRunning : null,
            sp.GetService<DependencyPipelines>()));
        services.AddHostedService(static sp => sp.GetRequiredService<NatsOutboxRelay>());
        return services;
    }
}
