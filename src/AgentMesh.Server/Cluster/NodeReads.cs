using AgentMesh.Engine;
using AgentMesh.Keys;
using AgentMesh.Server.Caching;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.Tenants;
using AgentMesh.Validation;

namespace AgentMesh.Server.Cluster;

/// <summary>
/// The reads that authentication, rate limits and the endpoints followers may answer need: from the engine's memory on
/// the node that runs it (embedded, or the cluster's leader), through <see cref="FollowerReads"/> on a request a
/// follower answers itself (one that carries a <see cref="FollowerRead"/>).
/// </summary>
internal sealed class NodeReads(MeshEngine engine, FollowerReads? follower = null)
{
    public ValueTask<ApiKeyRecord?> AuthenticateAsync(HttpContext http, string text) =>
        Follower(http) is { } read
            ? follower!.AuthenticateAsync(read.Keys, text, http.RequestAborted)
            : ValueTask.FromResult(engine.Authenticate(text));

    public ValueTask<Tenant?> GetTenantAsync(HttpContext http, string id) =>
        Follower(http) is not null ? follower!.GetTenantAsync(id, http.RequestAborted) : ValueTask.FromResult(engine.GetTenant(id));

    public ValueTask<MeshTask?> GetTaskAsync(HttpContext http, string tenant, Guid id, CancellationToken cancellationToken) =>
        Follower(http) is not null ? follower!.GetTaskAsync(tenant, id, cancellationToken) : engine.GetTaskAsync(tenant, id, cancellationToken);

    public ValueTask<MeshResult<TaskPage>> ListTasksAsync(HttpContext http, TaskQuery query, CancellationToken cancellationToken) =>
        Follower(http) is not null ? follower!.ListTasksAsync(query, cancellationToken) : engine.ListTasksAsync(query, cancellationToken);

    /// <summary>On a request a follower answers itself, the answer to an agent read; null on the node that runs the engine, which reads its memory.</summary>
    public async ValueTask<FollowerAnswer?> AgentsOnFollowerAsync(HttpContext http) =>
        Follower(http) is { } read ? await follower!.ReadAgentsAsync(read.Agents, http) : null;

    private FollowerRead? Follower(HttpContext http) => follower is null ? null : http.Features.Get<FollowerRead>();
}
