using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentMesh.Cli.Tests;

[Collection(SharedNode.Name)]
public sealed class TokenCommandTests(CliNode node)
{
    private const string Secret = "cli-test-secret-of-at-least-32-bytes-0123";

    [Fact]
    public async Task Create_WithSecret_PrintsAValidSignedToken()
    {
        var result = await Cli.RunAsync(
            "token", "create", "--tenant", "acme", "--role", "submitter", "--role", "viewer", "--sub", "alice", "--agent", "agent-1",
            "--expires", "30m", "--secret", Secret, "--issuer", "https://issuer.test", "--audience", "agentmesh");

        Assert.Equal(0, result.ExitCode);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(result.Out.Trim(), new TokenValidationParameters
        {
            ValidIssuer = "https://issuer.test",
            ValidAudience = "agentmesh",
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var token = (JsonWebToken)validation.SecurityToken;
        Assert.Equal("alice", token.Subject);
        Assert.Equal("acme", token.GetClaim("tenant").Value);
        Assert.Equal("agent-1", token.GetClaim("agent").Value);
        Assert.Equal(["submitter", "viewer"], token.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.InRange(token.ValidTo - DateTime.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(30));
    }

    [Fact]
    public async Task Create_TokenForTheNodesSecret_WorksAsTheCredentialOfACommand()
    {
        var tenant = await node.TenantAsync();
        var token = await Cli.RunAsync(
            "token", "create", "--tenant", tenant, "--role", "viewer", "--secret", CliNode.JwtSecret, "--issuer", CliNode.JwtIssuer, "--audience", CliNode.JwtAudience);

        var shown = await Cli.RunAsync("tenant", "show", tenant, "--url", node.Url, "--key", token.Out.Trim());

        Assert.Equal(0, token.ExitCode);
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains(tenant, shown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TokenForAnotherSecret_IsRefusedByTheNode()
    {
        var tenant = await node.TenantAsync();
        var token = await Cli.RunAsync(
            "token", "create", "--tenant", tenant, "--role", "viewer", "--secret", Secret, "--issuer", CliNode.JwtIssuer, "--audience", CliNode.JwtAudience);

        var shown = await Cli.RunAsync("tenant", "show", tenant, "--url", node.Url, "--key", token.Out.Trim());

        Assert.Equal(1, shown.ExitCode);
        Assert.Contains("unauthenticated", shown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SystemAdminWithoutTenant_PrintsAToken()
    {
        var result = await Cli.RunAsync("token", "create", "--role", "system-admin", "--secret", Secret, "--issuer", "i", "--audience", "a");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, result.Out.Trim().Count(c => c == '.'));
    }

    [Fact]
    public async Task Create_ShortSecret_ExitsTwoNamingTheSetting()
    {
        var result = await Cli.RunAsync("token", "create", "--tenant", "acme", "--role", "viewer", "--secret", "short", "--issuer", "i", "--audience", "a");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("AgentMesh:Auth:Jwt:Secret", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Create_WithoutIssuer_ExitsTwo()
    {
        var result = await Cli.RunAsync("token", "create", "--tenant", "acme", "--role", "viewer", "--secret", Secret, "--audience", "a");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Issuer", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NoTenantWithoutSystemAdmin_ExitsTwo()
    {
        var result = await Cli.RunAsync("token", "create", "--role", "viewer", "--secret", Secret, "--issuer", "i", "--audience", "a");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--tenant", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TenantWithSystemAdmin_ExitsTwo()
    {
        var result = await Cli.RunAsync("token", "create", "--tenant", "acme", "--role", "system-admin", "--secret", Secret, "--issuer", "i", "--audience", "a");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("system-admin", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1y")]
    [InlineData("0h")]
    [InlineData("h")]
    [InlineData("-5m")]
    public async Task Create_BadExpires_ExitsTwo(string expires)
    {
        var result = await Cli.RunAsync("token", "create", "--tenant", "acme", "--role", "viewer", "--expires", expires, "--secret", Secret, "--issuer", "i", "--audience", "a");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--expires", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnknownRole_ExitsTwo()
    {
        var result = await Cli.RunAsync("token", "create", "--tenant", "acme", "--role", "root", "--secret", Secret, "--issuer", "i", "--audience", "a");

        Assert.Equal(2, result.ExitCode);
    }
}
