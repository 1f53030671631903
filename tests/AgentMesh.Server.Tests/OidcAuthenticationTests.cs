using System.Net;
using System.Security.Cryptography;
using System.Text;
using AgentMesh.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using B64 = System.Buffers.Text.Base64Url;

namespace AgentMesh.Server.Tests;

public class OidcAuthenticationTests(OidcNodeFixture node) : IClassFixture<OidcNodeFixture>
{
    private IdentityProvider Provider => node.Provider;

    [Fact]
    public async Task Submit_Rs256Token_SubmitsAndReadsTheTask()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(Provider.Token(Provider.Rsa, tenant.Tenant, ["submitter"]));

        var created = await Expect.OkAsync(await client.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work", input = new { n = 1 } }), HttpStatusCode.Created);
        var read = await Expect.OkAsync(await client.GetPathAsync($"{tenant.Path}/tasks/{created["id"]}"));

        Assert.Equal((string)created["id"]!, (string)read["id"]!);
    }

    [Fact]
    public async Task List_Es256Token_Returns200()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(Provider.Token(Provider.Ecdsa, tenant.Tenant, ["viewer"]));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Submit_Es256ViewerToken_Returns403()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(Provider.Token(Provider.Ecdsa, tenant.Tenant, ["viewer"]));

        var response = await client.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work", input = new { } });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Poll_AgentClaimForAnotherAgent_Returns403()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-2");
        using var client = node.Client(Provider.Token(Provider.Rsa, tenant.Tenant, ["agent"], agentId: "agent-1"));

        var response = await client.PostJsonAsync($"{tenant.Path}/agents/agent-2/poll", new { waitSeconds = 0 });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Call_SystemAdminTokenWithoutTenant_ListsTenants()
    {
        using var client = node.Client(Provider.Token(Provider.Rsa, null, ["system-admin"]));

        var response = await client.GetPathAsync("/v1/tenants");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Call_Hs256TokenNextToTheProvider_StillWorks()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(JwtNodeFixture.Token(tenant.Tenant, ["viewer"], audience: IdentityProvider.Audience));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Call_SignedWithAnUnpublishedKeyUnderAPublishedKid_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(Provider.Token(IdentityProvider.NewRsa(Provider.Rsa.KeyId), tenant.Tenant, ["tenant-admin"]));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_KeyOfARotation_IsFetchedAndAccepted()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using (var warm = node.Client(Provider.Token(Provider.Rsa, tenant.Tenant, ["viewer"])))
        {
            Assert.Equal(HttpStatusCode.OK, (await warm.GetPathAsync($"{tenant.Path}/tasks")).StatusCode);
        }

        var rotated = IdentityProvider.NewRsa("rsa-rotated-" + Guid.NewGuid().ToString("N")[..8]);
        Provider.Publish(rotated);
        await Task.Delay(TimeSpan.Parse(OidcNodeFixture.KeyRefreshMinimumInterval, System.Globalization.CultureInfo.InvariantCulture) + TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);
        var fetchesBefore = Provider.KeySetFetches;
        using var client = node.Client(Provider.Token(rotated, tenant.Tenant, ["viewer"]));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(fetchesBefore + 1, Provider.KeySetFetches);
    }

    [Fact]
    public async Task Call_UnknownKid_Returns401AndFetchesAtMostOncePerInterval()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var fetchesBefore = Provider.KeySetFetches;
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        var responses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var client = node.Client(Provider.Token(IdentityProvider.NewEcdsa($"made-up-{i}"), tenant.Tenant, ["viewer"]));
            responses.Add((await client.GetPathAsync($"{tenant.Path}/tasks")).StatusCode);
        }

        Assert.All(responses, static status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        var interval = TimeSpan.Parse(OidcNodeFixture.KeyRefreshMinimumInterval, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(Provider.KeySetFetches - fetchesBefore, 0, 1 + (int)(elapsed.Elapsed / interval));
    }

    [Fact]
    public async Task Call_Hs256SignedWithTheRsaPublicKey_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var publicKey = Encoding.UTF8.GetBytes(Provider.Rsa.Rsa.ExportSubjectPublicKeyInfoPem());
        using var client = node.Client(HandSigned($$"""{"alg":"HS256","typ":"JWT","kid":"{{Provider.Rsa.KeyId}}"}""", Claims(tenant.Tenant), publicKey));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_AlgNoneWithAPublishedKid_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client($"{B64.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"none","kid":"{{Provider.Rsa.KeyId}}"}"""))}.{B64.EncodeToString(Encoding.UTF8.GetBytes(Claims(tenant.Tenant)))}.");

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData("unpublished key")]
    [InlineData("alg none")]
    [InlineData("hs256 with the public key")]
    [InlineData("expired")]
    [InlineData("wrong issuer")]
    [InlineData("wrong audience")]
    [InlineData("no tenant claim")]
    public async Task Submit_RejectedProviderToken_Returns401AndStoresNothing(string flaw)
    {
        var tenant = await TenantClient.CreateAsync(node);
        var token = flaw switch
        {
            "unpublished key" => Provider.Token(IdentityProvider.NewRsa(Provider.Rsa.KeyId), tenant.Tenant, ["tenant-admin"]),
            "alg none" => $"{B64.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"none","kid":"{{Provider.Rsa.KeyId}}"}"""))}.{B64.EncodeToString(Encoding.UTF8.GetBytes(Claims(tenant.Tenant)))}.",
            "hs256 with the public key" => HandSigned($$"""{"alg":"HS256","typ":"JWT","kid":"{{Provider.Rsa.KeyId}}"}""", Claims(tenant.Tenant), Encoding.UTF8.GetBytes(Provider.Rsa.Rsa.ExportSubjectPublicKeyInfoPem())),
            "expired" => Provider.Token(Provider.Rsa, tenant.Tenant, ["tenant-admin"], expires: DateTimeOffset.UtcNow.AddMinutes(-2)),
            "wrong issuer" => Provider.Token(Provider.Rsa, tenant.Tenant, ["tenant-admin"], issuer: "https://evil.test"),
            "wrong audience" => Provider.Token(Provider.Ecdsa, tenant.Tenant, ["tenant-admin"], audience: "someone-else"),
            _ => Provider.Token(Provider.Rsa, null, ["tenant-admin"]),
        };
        using var client = node.Client(token);

        var response = await client.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work", input = new { } });

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Call_ExpiredToken_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(Provider.Token(Provider.Rsa, tenant.Tenant, ["viewer"], expires: DateTimeOffset.UtcNow.AddMinutes(-2)));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_ExpiredWithinTheClockSkew_Returns200()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(Provider.Token(Provider.Ecdsa, tenant.Tenant, ["viewer"], expires: DateTimeOffset.UtcNow.AddSeconds(-5)));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Call_WrongIssuer_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(Provider.Token(Provider.Rsa, tenant.Tenant, ["viewer"], issuer: "https://evil.test"));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_HsIssuerOnAProviderToken_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(Provider.Token(Provider.Rsa, tenant.Tenant, ["viewer"], issuer: JwtNodeFixture.Issuer));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_WrongAudience_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(Provider.Token(Provider.Ecdsa, tenant.Tenant, ["viewer"], audience: "someone-else"));

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_AuthorityUnreachableAtStart_NodeStartsAndRefusesWith401()
    {
        var closed = ClosedLoopbackPort();
        await using var lone = await LoneNode.StartAsync("--AgentMesh:Auth:Jwt:Authority", $"http://127.0.0.1:{closed}", "--AgentMesh:Auth:Jwt:Audience", IdentityProvider.Audience);
        var tenant = await lone.TenantAsync();
        using var client = lone.Client(Provider.Token(Provider.Rsa, tenant, ["viewer"]));

        var first = await client.GetPathAsync($"/v1/tenants/{tenant}/tasks");
        var second = await client.GetPathAsync($"/v1/tenants/{tenant}/tasks");

        await Expect.ProblemAsync(first, HttpStatusCode.Unauthorized, "unauthenticated");
        await Expect.ProblemAsync(second, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_KeysFromJwksUrlWithoutHs256_AcceptsRs256AndRefusesHs256WithThePublicKey()
    {
        await using var lone = await LoneNode.StartAsync(
            "--AgentMesh:Auth:Jwt:JwksUrl", Provider.JwksUrl, "--AgentMesh:Auth:Jwt:Issuer", Provider.Authority, "--AgentMesh:Auth:Jwt:Audience", IdentityProvider.Audience);
        var tenant = await lone.TenantAsync();
        using var valid = lone.Client(Provider.Token(Provider.Rsa, tenant, ["viewer"]));
        var publicKey = Encoding.UTF8.GetBytes(Provider.Rsa.Rsa.ExportSubjectPublicKeyInfoPem());
        using var confused = lone.Client(HandSigned($$"""{"alg":"HS256","typ":"JWT","kid":"{{Provider.Rsa.KeyId}}"}""", Claims(tenant), publicKey));

        var accepted = await valid.GetPathAsync($"/v1/tenants/{tenant}/tasks");
        var refused = await confused.GetPathAsync($"/v1/tenants/{tenant}/tasks");

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await Expect.ProblemAsync(refused, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData("http://idp.example.com", "AgentMesh:Auth:Jwt:Authority")]
    [InlineData("not a url", "AgentMesh:Auth:Jwt:Authority")]
    public async Task Start_AuthorityOverPlainHttpOrNotAUrl_FailsNamingTheSetting(string authority, string setting)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => LoneNode.StartAsync(
            "--AgentMesh:Auth:Jwt:Authority", authority, "--AgentMesh:Auth:Jwt:Audience", IdentityProvider.Audience));

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PlainHttpAuthorityAllowedByRequireHttpsMetadataFalse_Starts()
    {
        await using var lone = await LoneNode.StartAsync(
            "--AgentMesh:Auth:Jwt:Authority", "http://idp.example.com", "--AgentMesh:Auth:Jwt:Audience", IdentityProvider.Audience,
            "--AgentMesh:Auth:Jwt:RequireHttpsMetadata", "false");

        Assert.NotNull(lone.BaseAddress);
    }

    [Fact]
    public async Task Start_JwksUrlWithoutIssuer_FailsNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => LoneNode.StartAsync(
            "--AgentMesh:Auth:Jwt:JwksUrl", Provider.JwksUrl, "--AgentMesh:Auth:Jwt:Audience", IdentityProvider.Audience));

        Assert.Contains("AgentMesh:Auth:Jwt:Issuer", error.Message, StringComparison.Ordinal);
    }

    private string Claims(string tenant) =>
        $$"""{"sub":"u","tenant":"{{tenant}}","roles":["tenant-admin"],"iss":"{{Provider.Authority}}","aud":"{{IdentityProvider.Audience}}","exp":{{DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds()}}}""";

    private static string HandSigned(string header, string payload, byte[] key)
    {
        var signed = $"{B64.EncodeToString(Encoding.UTF8.GetBytes(header))}.{B64.EncodeToString(Encoding.UTF8.GetBytes(payload))}";
        return $"{signed}.{B64.EncodeToString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(signed)))}";
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A node of one test, with its own settings.</summary>
    private sealed class LoneNode : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly string _data;
        private readonly HttpClient _admin;

        private LoneNode(WebApplication app, string data, Uri baseAddress, string adminKey)
        {
            _app = app;
            _data = data;
            BaseAddress = baseAddress;
            _admin = Client(adminKey);
        }

        public Uri BaseAddress { get; }

        public static async Task<LoneNode> StartAsync(params string[] settings)
        {
            var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
            var app = AgentMeshNode.Build(["--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data, "--Logging:LogLevel:Default", "Warning", .. settings]);
            try
            {
                await app.StartAsync(TestContext.Current.CancellationToken);
            }
            catch
            {
                await app.DisposeAsync();
                if (Directory.Exists(data))
                {
                    Directory.Delete(data, recursive: true);
                }

                throw;
            }

            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return new LoneNode(app, data, address, (await File.ReadAllTextAsync(Path.Combine(data, "admin.key"), TestContext.Current.CancellationToken)).Trim());
        }

        public HttpClient Client(string key)
        {
            var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            return client;
        }

        public async Task<string> TenantAsync()
        {
            var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
            (await _admin.PostJsonAsync("/v1/tenants", new { id = tenant, name = tenant })).EnsureSuccessStatusCode();
            return tenant;
        }

        public async ValueTask DisposeAsync()
        {
            _admin.Dispose();
            await _app.StopAsync(TestContext.Current.CancellationToken);
            await _app.DisposeAsync();
            Directory.Delete(_data, recursive: true);
        }
    }
}
