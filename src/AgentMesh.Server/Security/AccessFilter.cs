using AgentMesh.Server.Audit;
using AgentMesh.Server.Http;
using MeshRoles = AgentMesh.Keys.Roles;

namespace AgentMesh.Server.Security;

/// <summary>
/// Enforces <see cref="Access"/> metadata: 401 without a valid credential; 404 for a tenant the
/// credential does not belong to (existence is not revealed); 403 for a role that may not call the
/// endpoint, or an agent key acting for another agent.
/// </summary>
internal sealed class AccessFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var access = http.GetEndpoint()?.Metadata.GetMetadata<Access>();
        if (access is null)
        {
            // Fail closed: an endpoint under the API that declares no access is a mistake, not an open door.
            AccessDenials.Note(http, "no_access_rule");
            return Problems.Make(http, StatusCodes.Status403Forbidden, "forbidden", "This endpoint declares no access rule.");
        }

        var caller = Caller.From(http.User);
        if (caller is null)
        {
            AccessDenials.Note(http, "unauthenticated");
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Make(http, StatusCodes.Status401Unauthorized, "unauthenticated", "A valid credential is required: 'Authorization: Bearer <api key or token>'.");
        }

        if (http.Request.RouteValues.TryGetValue("tenant", out var tenantValue) && tenantValue is string tenant && !caller.MayActOnTenant(tenant))
        {
            AccessDenials.Note(http, "tenant_not_visible");
            return Problems.TenantNotFound(http, tenant);
        }

        // The system-admin role counts only on a system credential (no tenant), whatever a credential claims.
        if (!caller.IsSystemAdmin && !access.Roles.Any(role => role != MeshRoles.SystemAdmin && caller.Roles.Contains(role)))
        {
            AccessDenials.Note(http, "forbidden");
            return Problems.Make(http, StatusCodes.Status403Forbidden, "forbidden", $"The credential's roles do not allow '{access.Name}'.");
        }

        if (caller.AgentId is not null && http.Request.RouteValues.TryGetValue("agentId", out var agentValue) && agentValue is string agentId && agentId != caller.AgentId)
        {
            AccessDenials.Note(http, "agent_mismatch");
            return Problems.Make(http, StatusCodes.Status403Forbidden, "forbidden", $"This key acts for agent '{caller.AgentId}' only.");
        }

        return await next(context);
    }
}

internal static class AccessExtensions
{
    /// <summary>Requires <paramref name="access"/> for everything in the group or on the endpoint (the most specific wins).</summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, Access access)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(access);

    /// <summary>Enforces the access rules of every endpoint in the group.</summary>
    public static RouteGroupBuilder WithAccessControl(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<AccessFilter>();
        return group;
    }
}
