using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Server.Tests;

/// <summary>A node that accepts tokens and logs everything at Debug into <see cref="Logs"/>.</summary>
public sealed class RedactionNodeFixture : NodeFixture
{
    public CapturedLogs Logs { get; } = new();

    protected override IEnumerable<string> Settings =>
    [
        "--Logging:LogLevel:Default", "Debug",
        "--Logging:LogLevel:Microsoft", "Debug",
        "--Logging:LogLevel:Microsoft.AspNetCore", "Debug",
        "--Logging:LogLevel:Microsoft.AspNetCore.DataProtection", "Debug",
        "--AgentMesh:Auth:Jwt:Secret", JwtNodeFixture.Secret,
        "--AgentMesh:Auth:Jwt:Issuer", JwtNodeFixture.Issuer,
        "--AgentMesh:Auth:Jwt:Audience", JwtNodeFixture.Audience,
    ];

    protected override void Configure(WebApplicationBuilder builder) => builder.Logging.AddProvider(Logs);
}
