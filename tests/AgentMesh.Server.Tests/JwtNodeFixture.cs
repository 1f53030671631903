using AgentMesh.Server.Security;

namespace AgentMesh.Server.Tests;

/// <summary>A node that also accepts HS256 tokens.</summary>
public sealed class JwtNodeFixture : NodeFixture
{
    public const string Secret = "test-secret-of-at-least-32-bytes-0123456789";
    public const string Issuer = "https://issuer.test";
    public const string Audience = "agentmesh-tests";

    protected override IEnumerable<string> Settings =>
    [
        "--AgentMesh:Auth:Jwt:Secret", Secret,
        "--AgentMesh:Auth:Jwt:Issuer", Issuer,
        "--AgentMesh:Auth:Jwt:Audience", Audience,
    ];

    public static string Token(
        string? tenant, string[] roles, string? agentId = null, string secret = Secret, string issuer = Issuer, string audience = Audience, TimeSpan? age = null) =>
        JwtTokens.Create(secret, issuer, audience, "test-user", tenant, roles, agentId, DateTimeOffset.UtcNow - (age ?? TimeSpan.Zero), TimeSpan.FromMinutes(10));
}
