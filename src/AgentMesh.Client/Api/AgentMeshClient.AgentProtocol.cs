namespace AgentMesh.Client;

public sealed partial class AgentMeshClient
{
    /// <summary>
    /// Long-polls for work (<c>POST …/agents/{id}/poll</c>): answers as soon as work is assigned, or after
    /// <paramref name="waitSeconds"/> with empty lists. A poll is also a heartbeat.
    /// </summary>
    /// <param name="tenant">Tenant id.</param>
    /// <param name="agentId">Agent id.</param>
    /// <param name="max">How many new tasks the agent can take now, 1–100; 1 by default.</param>
    /// <param name="waitSeconds">How long the node may hold the request, 0–30; 20 by default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<PollResponse> PollAsync(
        string tenant, string agentId, int max = 1, int waitSeconds = 20, CancellationToken cancellationToken = default) =>
        PostAsync($"{AgentPath(tenant, agentId)}/poll", new PollBody(max, waitSeconds), Json.PollBody, Json.PollResponse, cancellationToken);

    /// <summary>Keeps the agent connected and extends the listed leases (<c>POST …/agents/{id}/heartbeat</c>).</summary>
    /// <param name="tenant">Tenant id.</param>
    /// <param name="agentId">Agent id.</param>
    /// <param name="leases">Every lease the agent still works on.</param>
    /// <param name="load">Load 0–1; not sent by default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<HeartbeatResponse> HeartbeatAsync(
        string tenant, string agentId, IReadOnlyList<HeldLease> leases, double? load = null, CancellationToken cancellationToken = default) =>
        PostAsync($"{AgentPath(tenant, agentId)}/heartbeat", new HeartbeatBody(load, leases), Json.HeartbeatBody, Json.HeartbeatResponse, cancellationToken);

    /// <summary>Reports many results in one request (<c>POST …/agents/{id}/results</c>).</summary>
    /// <returns>One answer per result, in order; a <see cref="TaskResultAck.Status"/> of 409 means the lease was no longer current.</returns>
    public async Task<IReadOnlyList<TaskResultAck>> SendResultsAsync(
        string tenant, string agentId, IReadOnlyList<TaskResult> results, CancellationToken cancellationToken = default) =>
        (await PostAsync($"{AgentPath(tenant, agentId)}/results", new ResultsBody(results), Json.ResultsBody, Json.ResultsResponse, cancellationToken)).Results;
}
