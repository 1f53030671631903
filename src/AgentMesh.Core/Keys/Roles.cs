namespace AgentMesh.Keys;

/// <summary>The roles of SPEC §8.</summary>
public static class Roles
{
    public const string SystemAdmin = "system-admin";
    public const string TenantAdmin = "tenant-admin";
    public const string Operator = "operator";
    public const string Submitter = "submitter";
    public const string Agent = "agent";
    public const string Viewer = "viewer";
    public const string Auditor = "auditor";

    public static IReadOnlyList<string> All { get; } = [SystemAdmin, TenantAdmin, Operator, Submitter, Agent, Viewer, Auditor];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
