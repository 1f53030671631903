namespace AgentMesh.Client.Worker;

internal sealed record AgentCatalogEntry(AgentDefinition Definition, Func<IServiceProvider, IAgentHandler> CreateHandler);
