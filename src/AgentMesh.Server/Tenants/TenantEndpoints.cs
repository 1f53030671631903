using AgentMesh.Audit;
using AgentMesh.Engine;
using AgentMesh.Server.Audit;
using AgentMesh.Server.Cluster;
using AgentMesh.Server.Http;
using AgentMesh.Server.Security;
using AgentMesh.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentMesh.Server.Tenants;

internal static class TenantEndpoints
{
    public static void MapTenants(this RouteGroupBuilder api)
    {
        var tenants = api.MapGroup("/tenants").WithTags("Tenants");
        tenants.MapPost("/", CreateAsync).RequireAccess(Access.SystemAdmin).Accepts<CreateTenantRequest>("application/json");
        tenants.MapGet("/", List).RequireAccess(Access.SystemAdmin).AuditReads(DataClassification.Internal);
        tenants.MapGet("/{tenant}", GetAsync).RequireAccess(Access.ReadTenant).WithMetadata(ServedByFollowers.Instance);
    }

    private static async Task<Results<Created<Tenant>, ProblemHttpResult>> CreateAsync(HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.CreateTenantRequest);
        if (problem is not null)
        {
            return problem;
        }

        var created = await engine.CreateTenantAsync(body!.Id, body.Name, body.Quotas, cancellationToken);
        return created.IsSuccess
            ? TypedResults.Created($"/v1/tenants/{created.Value!.Id}", created.Value)
            : Problems.From(http, created.Error!);
    }

    private static Ok<ItemsPage<Tenant>> List(MeshEngine engine) => TypedResults.Ok(new ItemsPage<Tenant>(engine.ListTenants()));

    private static async Task<Results<Ok<Tenant>, ProblemHttpResult>> GetAsync(string tenant, HttpContext http, NodeReads reads) =>
        await reads.GetTenantAsync(http, tenant) is { } found ? TypedResults.Ok(found) : Problems.TenantNotFound(http, tenant);
}
