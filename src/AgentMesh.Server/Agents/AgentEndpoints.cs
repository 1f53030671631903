using AgentMesh.Agents;
using AgentMesh.Engine;
using AgentMesh.Server.Caching;
using AgentMesh.Server.Cluster;
using AgentMesh.Server.Http;
using AgentMesh.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentMesh.Server.Agents;

internal static partial class AgentEndpoints
{
    public static void MapAgents(this RouteGroupBuilder tenant)
    {
        var agents = tenant.MapGroup("/agents").WithTags("Agents");
        agents.MapPut("/{agentId}", RegisterAsync).RequireAccess(Access.RegisterAgent).Accepts<AgentRegistration>("application/json");
        agents.MapGet("/", ListAsync).RequireAccess(Access.Read).WithMetadata(ServedByFollowers.Instance);
        agents.MapGet("/{agentId}", GetAsync).RequireAccess(Access.Read).WithMetadata(ServedByFollowers.Instance);

        var operate = agents.MapGroup("/{agentId}").RequireAccess(Access.Operate);
        foreach (var action in (AgentAction[])[AgentAction.Pause, AgentAction.Resume, AgentAction.Drain, AgentAction.Quarantine, AgentAction.Release])
        {
            operate.MapPost(
                "/" + action.ToString().ToLowerInvariant(),
                (string tenant, string agentId, HttpContext http, MeshEngine engine, CancellationToken ct) => ChangeAsync(tenant, agentId, action, http, engine, ct));
        }

        operate.MapPost("/terminate", TerminateAsync).Accepts<TerminateRequest>("application/json");

        var protocol = agents.MapGroup("/{agentId}").RequireAccess(Access.AgentProtocol);
        protocol.MapPost("/poll", PollAsync).Accepts<PollRequest>("application/json");
        protocol.MapPost("/heartbeat", HeartbeatAsync).Accepts<HeartbeatRequest>("application/json");
        protocol.MapPost("/results", ResultsAsync).Accepts<ResultsRequest>("application/json");
    }

    private static async Task<IResult> RegisterAsync(string tenant, string agentId, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.AgentRegistration);
        if (problem is not null)
        {
            return problem;
        }

        var caller = Caller.From(http.User)!;
        if (caller.AgentId is not null && caller.AgentId != agentId)
        {
            return Problems.Make(http, StatusCodes.Status403Forbidden, "forbidden", $"This key acts for agent '{caller.AgentId}' only.");
        }

        var registered = await engine.RegisterAgentAsync(tenant, agentId, body!, cancellationToken);
        if (!registered.IsSuccess)
        {
            return Problems.From(http, registered.Error!);
        }

        var (agent, created) = registered.Value;
        SetETag(http, agent);
        return created
            ? TypedResults.Created($"/v1/tenants/{tenant}/agents/{agentId}", agent)
            : TypedResults.Ok(agent);
    }

    private static async Task<Results<Ok<AgentView>, ProblemHttpResult, StatusCodeHttpResult, FollowerAnswer>> GetAsync(
        string tenant, string agentId, HttpContext http, MeshEngine engine, NodeReads reads)
    {
        if (await reads.AgentsOnFollowerAsync(http) is { } fromLeader)
        {
            return fromLeader;
        }

        var found = engine.GetAgent(tenant, agentId);
        if (!found.IsSuccess)
        {
            return Problems.From(http, found.Error!);
        }

        var etag = SetETag(http, found.Value!);
        return Matches(http.Request.GetTypedHeaders().IfNoneMatch, etag) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : TypedResults.Ok(found.Value);
    }

    /// <summary>RFC 9110 §13.1.2: any listed tag (weak comparison) or <c>*</c> matches.</summary>
    internal static bool Matches(IList<Microsoft.Net.Http.Headers.EntityTagHeaderValue> ifNoneMatch, string etag)
    {
        var current = new Microsoft.Net.Http.Headers.EntityTagHeaderValue(etag);
        return ifNoneMatch.Any(tag => tag.Equals(Microsoft.Net.Http.Headers.EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }

    private static async Task<Results<Ok<ItemsPage<AgentView>>, ProblemHttpResult, FollowerAnswer>> ListAsync(
        string tenant, HttpContext http, MeshEngine engine, NodeReads reads, string? status = null, string? capability = null, int? limit = null, string? cursor = null)
    {
        AgentStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<AgentStatus>(status.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return Problems.Invalid(http, "status", "must be one of offline, available, busy, paused, draining, unhealthy, quarantined, terminated.");
            }

            wanted = parsed;
        }

        if (limit is < 1 or > 1000)
        {
            return Problems.Invalid(http, "limit", "must be between 1 and 1000.");
        }

        if (await reads.AgentsOnFollowerAsync(http) is { } fromLeader)
        {
            return fromLeader;
        }

        var page = engine.ListAgents(tenant, wanted, capability, limit ?? 100, cursor);
        return page.IsSuccess
            ? TypedResults.Ok(new ItemsPage<AgentView>(page.Value.Items, page.Value.NextCursor))
            : Problems.From(http, page.Error!);
    }

    private static async Task<Results<Ok<AgentView>, ProblemHttpResult>> ChangeAsync(
        string tenant, string agentId, AgentAction action, HttpContext http, MeshEngine engine, CancellationToken cancellationToken, bool force = false)
    {
        var changed = await engine.ChangeAgentAsync(tenant, agentId, action, force, cancellationToken);
        return changed.IsSuccess ? TypedResults.Ok(changed.Value!) : Problems.From(http, changed.Error!);
    }

    private static async Task<Results<Ok<AgentView>, ProblemHttpResult>> TerminateAsync(string tenant, string agentId, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.TerminateRequest, optional: true);
        if (problem is not null)
        {
            return problem;
        }

        var force = body?.Force ?? (http.Request.Query.TryGetValue("force", out var value) && bool.TryParse(value, out var parsed) && parsed);
        return await ChangeAsync(tenant, agentId, AgentAction.Terminate, http, engine, cancellationToken, force);
    }

    private static string SetETag(HttpContext http, AgentView agent)
    {
        var etag = $"\"{agent.Version}-{(int)agent.Status}-{agent.InFlight}\"";
        http.Response.Headers.ETag = etag;
        return etag;
    }
}
