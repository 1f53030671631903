using System.Net;
using System.Text.Json;

namespace AgentMesh.Client;

public sealed partial class AgentMeshClient
{
    /// <summary>Registers an agent or updates its registration (<c>PUT …/agents/{id}</c>).</summary>
    /// <returns>The stored agent, and whether this call created it (201) rather than updated it (200).</returns>
    public async Task<AgentRegistrationResult> RegisterAgentAsync(
        string tenant, string agentId, AgentRegistration registration, CancellationToken cancellationToken = default)
    {
        var (agent, status) = await SendAsync(
            HttpMethod.Put, AgentPath(tenant, agentId), Body(registration, Json.AgentRegistration), Json.Agent, cancellationToken);
        return new AgentRegistrationResult(agent, status == HttpStatusCode.Created);
    }

    /// <summary>Reads an agent (<c>GET …/agents/{id}</c>).</summary>
    public Task<Agent> GetAgentAsync(string tenant, string agentId, CancellationToken cancellationToken = default) =>
        GetAsync(AgentPath(tenant, agentId), Json.Agent, cancellationToken);

    /// <summary>Lists agents, filtered and paged (<c>GET …/agents</c>).</summary>
    /// <param name="tenant">Tenant id.</param>
    /// <param name="query">Filters and paging; none by default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<Page<Agent>> ListAgentsAsync(string tenant, AgentQuery? query = null, CancellationToken cancellationToken = default)
    {
        var path = new QueryString($"{TenantPath(tenant)}/agents")
            .Add("status", query?.Status is { } status ? JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString()) : null)
            .Add("capability", query?.Capability)
            .Add("limit", query?.Limit?.ToString())
            .Add("cursor", query?.Cursor);
        return GetAsync(path.ToString(), Json.PageAgent, cancellationToken);
    }

    /// <summary>Pauses an agent: it receives nothing new; in-flight work continues.</summary>
    public Task<Agent> PauseAgentAsync(string tenant, string agentId, CancellationToken cancellationToken = default) =>
        AgentActionAsync(tenant, agentId, "pause", cancellationToken);

    /// <summary>Resumes a paused agent.</summary>
    public Task<Agent> ResumeAgentAsync(string tenant, string agentId, CancellationToken cancellationToken = default) =>
        AgentActionAsync(tenant, agentId, "resume", cancellationToken);

    /// <summary>Drains an agent: it finishes its work, then goes offline.</summary>
    public Task<Agent> DrainAgentAsync(string tenant, string agentId, CancellationToken cancellationToken = default) =>
        AgentActionAsync(tenant, agentId, "drain", cancellationToken);

    /// <summary>Quarantines an agent: it receives nothing until released.</summary>
    public Task<Agent> QuarantineAgentAsync(string tenant, string agentId, CancellationToken cancellationToken = default) =>
        AgentActionAsync(tenant, agentId, "quarantine", cancellationToken);

    /// <summary>Releases a quarantined agent.</summary>
    public Task<Agent> ReleaseAgentAsync(string tenant, string agentId, CancellationToken cancellationToken = default) =>
        AgentActionAsync(tenant, agentId, "release", cancellationToken);

    /// <summary>Terminates an agent for good; its id cannot be reused.</summary>
    /// <param name="tenant">Tenant id.</param>
    /// <param name="agentId">Agent id.</param>
    /// <param name="force">Required when the agent has tasks in flight, which are released for retry; <see langword="false"/> by default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<Agent> TerminateAgentAsync(string tenant, string agentId, bool force = false, CancellationToken cancellationToken = default) =>
        PostAsync($"{AgentPath(tenant, agentId)}/terminate", new TerminateBody(force), Json.TerminateBody, Json.Agent, cancellationToken);

    private static string AgentPath(string tenant, string agentId) => $"{TenantPath(tenant)}/agents/{Escape(agentId)}";

    private async Task<Agent> AgentActionAsync(string tenant, string agentId, string action, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Post, $"{AgentPath(tenant, agentId)}/{action}", content: null, Json.Agent, cancellationToken)).Body;
}
