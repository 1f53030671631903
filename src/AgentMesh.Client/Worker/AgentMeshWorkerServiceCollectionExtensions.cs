using AgentMesh.Client;
using AgentMesh.Client.Worker;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the AgentMesh worker runtime as a hosted service.</summary>
public static class AgentMeshWorkerServiceCollectionExtensions
{
    /// <summary>
    /// Registers a hosted worker that runs every agent added with <see cref="AgentMeshWorkerBuilder.AddAgent{TAgent}"/>
    /// against one node and tenant, and the <see cref="AgentMeshClient"/> it uses. Options are validated at start.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the node, the credential, the tenant and the runtime options.</param>
    /// <returns>A builder to add agents with.</returns>
    public static AgentMeshWorkerBuilder AddAgentMeshWorker(this IServiceCollection services, Action<AgentMeshWorkerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AgentMeshWorkerOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentMeshWorkerOptions>, AgentMeshWorkerOptionsValidator>());
        services.AddOptions<AgentMeshClientOptions>()
            .Configure<IOptions<AgentMeshWorkerOptions>>(static (client, worker) =>
            {
                client.BaseAddress = worker.Value.BaseAddress;
                client.ApiKey = worker.Value.ApiKey;
                client.FallbackAddresses.Clear();
                foreach (var address in worker.Value.FallbackAddresses)
                {
                    client.FallbackAddresses.Add(address);
                }
            });
        AgentMeshClientServiceCollectionExtensions.AddCore(services);

        var catalog = services.FirstOrDefault(d => d.ServiceType == typeof(AgentCatalog))?.ImplementationInstance as AgentCatalog;
        if (catalog is null)
        {
            catalog = new AgentCatalog();
            services.AddSingleton(catalog);
        }

        services.AddHostedService<AgentMeshWorker>();
        return new AgentMeshWorkerBuilder(services, catalog);
    }
}
