using AgentMesh.Audit;
using AgentMesh.Engine;
using AgentMesh.Keys;
using AgentMesh.Server.Audit;
using AgentMesh.Server.Http;
using AgentMesh.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentMesh.Server.Keys;

internal static class KeyEndpoints
{
    public static void MapKeys(this RouteGroupBuilder tenant)
    {
        var keys = tenant.MapGroup("/keys").WithTags("Keys");
        keys.MapPost("/", CreateAsync).RequireAccess(Access.ManageKeys).Accepts<CreateKeyRequest>("application/json");
        keys.MapGet("/", List).RequireAccess(Access.ListKeys).AuditReads(DataClassification.Restricted);
        keys.MapDelete("/{keyId}", RevokeAsync).RequireAccess(Access.ManageKeys);
    }

    private static async Task<Results<Created<CreatedKey>, ProblemHttpResult>> CreateAsync(string tenant, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.CreateKeyRequest);
        if (problem is not null)
        {
            return problem;
        }

        var created = await engine.CreateKeyAsync(tenant, body!.Name, body.Roles, body.AgentId, cancellationToken);
        if (!created.IsSuccess)
        {
            return Problems.From(http, created.Error!);
        }

        var (key, text) = created.Value;
        return TypedResults.Created($"/v1/tenants/{tenant}/keys/{key.Id}", new CreatedKey(key.Id, key.Name, key.Roles, key.AgentId, key.Tenant, key.CreatedAt, text));
    }

    private static Results<Ok<ItemsPage<KeyView>>, ProblemHttpResult> List(string tenant, HttpContext http, MeshEngine engine) =>
        engine.TenantExists(tenant)
            ? TypedResults.Ok(new ItemsPage<KeyView>([.. engine.ListKeys(tenant).Select(View)]))
            : Problems.TenantNotFound(http, tenant);

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string tenant, string keyId, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        if (!engine.TenantExists(tenant))
        {
            return Problems.TenantNotFound(http, tenant);
        }

        var revoked = await engine.RevokeKeyAsync(tenant, keyId, cancellationToken);
        return revoked.IsSuccess ? TypedResults.NoContent() : Problems.From(http, revoked.Error!);
    }

    private static KeyView View(ApiKeyRecord key) => new(key.Id, key.Name, key.Roles, key.AgentId, key.Tenant, key.CreatedAt, key.RevokedAt);
}
