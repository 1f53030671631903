namespace AgentMesh.Client;

/// <summary>The role names a key can hold.</summary>
public static class ApiKeyRoles
{
    /// <summary>Everything, in every tenant.</summary>
    public const string SystemAdmin = "system-admin";

    /// <summary>Everything within one tenant.</summary>
    public const string TenantAdmin = "tenant-admin";

    /// <summary>Operator actions on agents and tasks.</summary>
    public const string Operator = "operator";

    /// <summary>Submits and reads tasks.</summary>
    public const string Submitter = "submitter";

    /// <summary>Polls, heartbeats and reports results.</summary>
    public const string Agent = "agent";

    /// <summary>Reads.</summary>
    public const string Viewer = "viewer";

    /// <summary>Reads the audit log.</summary>
    public const string Auditor = "auditor";
}
