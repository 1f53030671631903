using System.Net;
using System.Text;
using AgentMesh.Server.Hosting;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Tests;

public class JwtAuthenticationTests(JwtNodeFixture node) : IClassFixture<JwtNodeFixture>
{
    [Fact]
    public async Task Submit_ValidToken_SubmitsAndReadsTheTask()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(JwtNodeFixture.Token(tenant.Tenant, ["submitter"]));

        var created = await Expect.OkAsync(await client.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work", input = new { n = 1 } }), HttpStatusCode.Created);
        var read = await Expect.OkAsync(await client.GetPathAsync($"{tenant.Path}/tasks/{created["id"]}"));

        Assert.Equal((string)created["id"]!, (string)read["id"]!);
        Assert.Equal("work", (string)read["type"]!);
    }

    [Fact]
    public async Task Call_SpaceSeparatedRoles_AreEachGranted()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(HandSigned(
            """{"alg":"HS256","typ":"JWT"}""",
            $$"""{"sub":"u","tenant":"{{tenant.Tenant}}","roles":"viewer submitter","iss":"{{JwtNodeFixture.Issuer}}","aud":"{{JwtNodeFixture.Audience}}","exp":{{Expiry()}}}""",
            JwtNodeFixture.Secret));

        var submitted = await client.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work", input = new { } });
        var listed = await client.GetPathAsync($"{tenant.Path}/tasks");

        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    [Fact]
    public async Task Call_SystemAdminTokenWithoutTenant_ListsTenants()
    {
        await TenantClient.CreateAsync(node);
        using var client = node.Client(JwtNodeFixture.Token(null, ["system-admin"]));

        var response = await client.GetPathAsync("/v1/tenants");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Call_ForgedSignature_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(JwtNodeFixture.Token(tenant.Tenant, ["tenant-admin"], secret: "another-secret-of-at-least-32-bytes-0123"));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_TamperedPayload_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);
        var parts = JwtNodeFixture.Token(tenant.Tenant, ["tenant-admin"]).Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.Decode(parts[1])).Replace(tenant.Tenant, other.Tenant, StringComparison.Ordinal);
        using var client = node.Client($"{parts[0]}.{Base64Url.Encode(payload)}.{parts[2]}");

        var response = await client.GetPathAsync($"{other.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_AlgNone_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var header = Base64Url.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64Url.Encode($$"""{"sub":"u","tenant":"{{tenant.Tenant}}","roles":["tenant-admin"],"iss":"{{JwtNodeFixture.Issuer}}","aud":"{{JwtNodeFixture.Audience}}","exp":{{Expiry()}}}""");
        using var client = node.Client($"{header}.{payload}.");

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_OtherAlgorithmWithTheSecret_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(HandSigned(
            """{"alg":"HS512","typ":"JWT"}""",
            $$"""{"sub":"u","tenant":"{{tenant.Tenant}}","roles":["tenant-admin"],"iss":"{{JwtNodeFixture.Issuer}}","aud":"{{JwtNodeFixture.Audience}}","exp":{{Expiry()}}}""",
            JwtNodeFixture.Secret,
            hs512: true));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_ExpiredToken_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(JwtNodeFixture.Token(tenant.Tenant, ["tenant-admin"], age: TimeSpan.FromMinutes(11)));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_TokenWithoutExpiry_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(HandSigned(
            """{"alg":"HS256","typ":"JWT"}""",
            $$"""{"sub":"u","tenant":"{{tenant.Tenant}}","roles":["tenant-admin"],"iss":"{{JwtNodeFixture.Issuer}}","aud":"{{JwtNodeFixture.Audience}}"}""",
            JwtNodeFixture.Secret));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_WrongIssuer_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(JwtNodeFixture.Token(tenant.Tenant, ["tenant-admin"], issuer: "https://evil.test"));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_WrongAudience_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(JwtNodeFixture.Token(tenant.Tenant, ["tenant-admin"], audience: "someone-else"));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_MissingTenantClaim_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(JwtNodeFixture.Token(null, ["tenant-admin"]));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_TenantTokenClaimingSystemAdmin_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(JwtNodeFixture.Token(tenant.Tenant, ["system-admin"]));

        var response = await client.GetPathAsync("/v1/tenants");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_OtherTenantsToken_Returns404()
    {
        var mine = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);
        using var client = node.Client(JwtNodeFixture.Token(mine.Tenant, ["tenant-admin"]));

        var response = await client.GetPathAsync($"{other.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Theory]
    [InlineData("forged signature")]
    [InlineData("alg none")]
    [InlineData("expired")]
    [InlineData("wrong issuer")]
    [InlineData("wrong audience")]
    [InlineData("no tenant claim")]
    public async Task Submit_RejectedToken_Returns401AndStoresNothing(string flaw)
    {
        var tenant = await TenantClient.CreateAsync(node);
        var token = flaw switch
        {
            "forged signature" => JwtNodeFixture.Token(tenant.Tenant, ["submitter"], secret: "another-secret-of-at-least-32-bytes-0123"),
            "alg none" => $"{Base64Url.Encode("""{"alg":"none","typ":"JWT"}""")}.{Base64Url.Encode($$"""{"sub":"u","tenant":"{{tenant.Tenant}}","roles":["submitter"],"iss":"{{JwtNodeFixture.Issuer}}","aud":"{{JwtNodeFixture.Audience}}","exp":{{Expiry()}}}""")}.",
            "expired" => JwtNodeFixture.Token(tenant.Tenant, ["submitter"], age: TimeSpan.FromMinutes(11)),
            "wrong issuer" => JwtNodeFixture.Token(tenant.Tenant, ["submitter"], issuer: "https://evil.test"),
            "wrong audience" => JwtNodeFixture.Token(tenant.Tenant, ["submitter"], audience: "someone-else"),
            _ => JwtNodeFixture.Token(null, ["submitter"]),
        };
        using var client = node.Client(token);

        var response = await client.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work", input = new { } });

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Submit_OtherTenantsToken_Returns404AndStoresNothing()
    {
        var mine = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);
        using var client = node.Client(JwtNodeFixture.Token(mine.Tenant, ["tenant-admin"]));

        var response = await client.PostJsonAsync($"{other.Path}/tasks", new { type = "work", input = new { } });

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
        Assert.Empty((await other.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Submit_ViewerToken_Returns403()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(JwtNodeFixture.Token(tenant.Tenant, ["viewer"]));

        var response = await client.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work", input = new { } });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Poll_AgentTokenForAnotherAgent_Returns403()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-2");
        using var client = node.Client(JwtNodeFixture.Token(tenant.Tenant, ["agent"], agentId: "agent-1"));

        var response = await client.PostJsonAsync($"{tenant.Path}/agents/agent-2/poll", new { waitSeconds = 0 });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Poll_AgentTokenForItself_Returns200()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");
        using var client = node.Client(JwtNodeFixture.Token(tenant.Tenant, ["agent"], agentId: "agent-1"));

        var response = await client.PostJsonAsync($"{tenant.Path}/agents/agent-1/poll", new { waitSeconds = 0 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Call_ApiKeyNextToJwt_StillWorks()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.GetPathAsync($"{tenant.Path}/tasks");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("too-short-secret")]
    [InlineData("31-bytes-0123456789012345678901")]
    public async Task Start_ShortSecret_FailsNamingTheSetting(string secret)
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        await using var app = AgentMeshNode.Build(
            ["--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data, "--AgentMesh:Auth:Jwt:Secret", secret, "--AgentMesh:Auth:Jwt:Issuer", "i", "--AgentMesh:Auth:Jwt:Audience", "a"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("AgentMesh:Auth:Jwt:Secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SecretWithoutIssuer_FailsNamingTheSetting()
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        await using var app = AgentMeshNode.Build(
            ["--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data, "--AgentMesh:Auth:Jwt:Secret", JwtNodeFixture.Secret, "--AgentMesh:Auth:Jwt:Audience", "a"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("AgentMesh:Auth:Jwt:Issuer", error.Message, StringComparison.Ordinal);
    }

    private static long Expiry() => DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();

    /// <summary>A token signed by hand, to send what the token library would refuse to write.</summary>
    private static string HandSigned(string header, string payload, string secret, bool hs512 = false)
    {
        var signed = $"{Base64Url.Encode(header)}.{Base64Url.Encode(payload)}";
        var key = Encoding.UTF8.GetBytes(secret);
        var data = Encoding.UTF8.GetBytes(signed);
        var signature = hs512 ? System.Security.Cryptography.HMACSHA512.HashData(key, data) : System.Security.Cryptography.HMACSHA256.HashData(key, data);
        return $"{signed}.{System.Buffers.Text.Base64Url.EncodeToString(signature)}";
    }

    private static class Base64Url
    {
        public static string Encode(string text) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

        public static byte[] Decode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);
    }
}
