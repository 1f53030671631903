using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Client.Worker;

/// <summary>Adds agents to the hosted worker registered by <c>AddAgentMeshWorker</c>.</summary>
public sealed class AgentMeshWorkerBuilder
{
    private readonly AgentCatalog _catalog;

    internal AgentMeshWorkerBuilder(IServiceCollection services, AgentCatalog catalog)
    {
        Services = services;
        _catalog = catalog;
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Runs an agent whose tasks <typeparamref name="TAgent"/> handles. The handler is created once per agent from the
    /// container (constructor injection) and called concurrently; it is disposed when the worker stops.
    /// </summary>
    /// <param name="configure">Sets the agent's id, name, capabilities and bulkhead.</param>
    /// <exception cref="ArgumentException">The definition is invalid or its id was added already.</exception>
    public AgentMeshWorkerBuilder AddAgent<TAgent>(Action<AgentDefinition> configure)
        where TAgent : class, IAgentHandler
    {
        ArgumentNullException.ThrowIfNull(configure);
        var definition = new AgentDefinition();
        configure(definition);
        definition.Validate();
        _catalog.Add(new AgentCatalogEntry(definition, static provider => ActivatorUtilities.CreateInstance<TAgent>(provider)));
        return this;
    }
}
