using AgentMesh.Agents;
using AgentMesh.Tasks;
using AgentMesh.Tenants;

namespace AgentMesh.Storage;

/// <summary>Enum values as stores keep them: the snake_case names of the wire, shared by every store adapter.</summary>
public static class StoredNames
{
    public static MeshTaskStatus ParseTaskStatus(string text) =>
        MeshTaskStatusExtensions.TryParseWire(text, out var status) ? status : throw Unknown("task status", text);

    public static RoutingStrategy ParseStrategy(string text) =>
        RoutingStrategyNames.TryParse(text, out var strategy) ? strategy : throw Unknown("routing strategy", text);

    public static string ToStored(this TenantStatus status) => status switch
    {
        TenantStatus.Active => "active",
        TenantStatus.Suspended => "suspended",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static TenantStatus ParseTenantStatus(string text) => text switch
    {
        "active" => TenantStatus.Active,
        "suspended" => TenantStatus.Suspended,
        _ => throw Unknown("tenant status", text),
    };

    public static string ToStored(this AgentAdminState state) => state switch
    {
        AgentAdminState.Active => "active",
        AgentAdminState.Paused => "paused",
        AgentAdminState.Draining => "draining",
        AgentAdminState.Quarantined => "quarantined",
        AgentAdminState.Terminated => "terminated",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static AgentAdminState ParseAdminState(string text) => text switch
    {
        "active" => AgentAdminState.Active,
        "paused" => AgentAdminState.Paused,
        "draining" => AgentAdminState.Draining,
        "quarantined" => AgentAdminState.Quarantined,
        "terminated" => AgentAdminState.Terminated,
        _ => throw Unknown("agent admin state", text),
    };

    private static InvalidDataException Unknown(string what, string text) => new($"The database holds an unknown {what} '{text}'.");
}
