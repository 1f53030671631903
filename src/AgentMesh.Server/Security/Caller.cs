using System.Security.Claims;
using AgentMesh.Keys;

namespace AgentMesh.Server.Security;

/// <summary>Who is calling: the tenant the credential belongs to (none for system keys), its roles and bound agent.</summary>
internal sealed record Caller(string Id, string? Tenant, IReadOnlySet<string> Roles, string? AgentId)
{
    public bool IsSystemAdmin => Tenant is null && Roles.Contains(AgentMesh.Keys.Roles.SystemAdmin);

    public bool MayActOnTenant(string tenant) => IsSystemAdmin || string.Equals(Tenant, tenant, StringComparison.Ordinal);

    public static Caller? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var roles = user.FindAll(ClaimTypes.Role).Select(static c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Caller(
            user.FindFirstValue(CallerClaims.KeyId) ?? user.FindFirstValue("sub") ?? "unknown",
            user.FindFirstValue(CallerClaims.Tenant),
            roles,
            user.FindFirstValue(CallerClaims.AgentId));
    }

    public static IReadOnlySet<string> AllRoles { get; } = AgentMesh.Keys.Roles.All.ToHashSet(StringComparer.Ordinal);
}
