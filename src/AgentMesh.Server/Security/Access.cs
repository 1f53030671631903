using MeshRoles = AgentMesh.Keys.Roles;

namespace AgentMesh.Server.Security;

/// <summary>
/// Which roles may call an endpoint. Declared once per route group or endpoint as metadata and enforced
/// by <see cref="AccessFilter"/>; a system administrator may call everything.
/// </summary>
internal sealed record Access(string Name, IReadOnlyList<string> Roles)
{
    public static Access SystemAdmin { get; } = new("system-admin", [MeshRoles.SystemAdmin]);

    /// <summary>Reading and exporting a tenant's audit entries.</summary>
    public static Access Audit { get; } = new("audit", [MeshRoles.SystemAdmin, MeshRoles.Auditor]);

    public static Access ManageKeys { get; } = new("manage-keys", [MeshRoles.SystemAdmin, MeshRoles.TenantAdmin]);

    /// <summary>Listing keys (never their secrets): administrators, and auditors reviewing who holds access.</summary>
    public static Access ListKeys { get; } = new("list-keys", [MeshRoles.SystemAdmin, MeshRoles.TenantAdmin, MeshRoles.Auditor]);

    public static Access Read { get; } = new("read", [MeshRoles.SystemAdmin, MeshRoles.TenantAdmin, MeshRoles.Operator, MeshRoles.Submitter, MeshRoles.Viewer, MeshRoles.Auditor]);

    public static Access ReadTenant { get; } = new("read-tenant", MeshRoles.All);

    public static Access Submit { get; } = new("submit", [MeshRoles.SystemAdmin, MeshRoles.TenantAdmin, MeshRoles.Operator, MeshRoles.Submitter]);

    public static Access Operate { get; } = new("operate", [MeshRoles.SystemAdmin, MeshRoles.TenantAdmin, MeshRoles.Operator]);

    /// <summary>The agent protocol: an agent key may act only for its own agent id.</summary>
    public static Access AgentProtocol { get; } = new("agent", [MeshRoles.SystemAdmin, MeshRoles.TenantAdmin, MeshRoles.Agent]);

    /// <summary>Registering an agent: operators, or the agent itself.</summary>
    public static Access RegisterAgent { get; } = new("register-agent", [MeshRoles.SystemAdmin, MeshRoles.TenantAdmin, MeshRoles.Operator, MeshRoles.Agent]);
}
