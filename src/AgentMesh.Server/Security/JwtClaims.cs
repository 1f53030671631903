namespace AgentMesh.Server.Security;

/// <summary>The claims an AgentMesh JWT carries besides <c>iss</c>, <c>aud</c>, <c>exp</c>.</summary>
public static class JwtClaims
{
    public const string Subject = "sub";

    /// <summary>The tenant the token acts in; absent only on a system administrator's token.</summary>
    public const string Tenant = "tenant";

    /// <summary>Roles: a JSON array, or one space-separated string.</summary>
    public const string Roles = "roles";

    /// <summary>Binds the token to one agent id, like an agent key.</summary>
    public const string Agent = "agent";
}
