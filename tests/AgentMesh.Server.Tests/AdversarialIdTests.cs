using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentMesh.Server.Tests;

/// <summary>
/// Ids that look like valid ones to a person but are not: bidirectional overrides, invisible joiners, combining marks,
/// full-width digits, NUL, lone surrogates and bytes that are not UTF-8, in paths and in bodies. Each gets a 4xx problem,
/// and nothing is written.
/// </summary>
public class AdversarialIdTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    /// <summary>Id texts as they appear in a JSON string (escapes included), each once valid-looking.</summary>
    public static readonly TheoryData<string> JsonIds =
    [
        @"agent\u202Eevil",
        @"age\u200Dnt-1",
        @"age\u0301nt-1",
        @"agent-\uFF11\uFF12",
        @"agent\u0000-1",
        @"agent-\uD800",
        @"agent-\uDC00x",
        @"agent-\uD83D\uDE00",
        @"ＡＢＣ-agent",
        "agent\u0130-1",
    ];

    /// <summary>Path segments, percent-encoded as a client would send them.</summary>
    public static readonly TheoryData<string> PathIds =
    [
        "agent%E2%80%AEevil",
        "age%E2%80%8Dnt-1",
        "age%CC%81nt-1",
        "agent-%EF%BC%91%EF%BC%92",
        "agent-%ED%A0%80",
        "agent-%FF%FE",
        "agent-%C3%28",
        "agent-%C0%AF",
        "..%2Fkeys",
        "agent%2F1",
    ];

    [Theory]
    [MemberData(nameof(JsonIds))]
    public async Task CreateTenant_OddId_Returns400AndCreatesNothing(string id)
    {
        var before = await TenantIdsAsync();

        var response = await node.Admin.PostTextAsync("/v1/tenants", $$"""{"id":"{{id}}","name":"n"}""");

        await ExpectRefusedAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await TenantIdsAsync());
    }

    [Theory]
    [MemberData(nameof(JsonIds))]
    public async Task CreateKey_OddAgentId_Returns400AndCreatesNothing(string id)
    {
        var tenant = await TenantClient.CreateAsync(node);
        var before = await CountAsync(tenant, "keys");

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/keys", $$"""{"name":"k","roles":["agent"],"agentId":"{{id}}"}""");

        await ExpectRefusedAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await CountAsync(tenant, "keys"));
    }

    [Theory]
    [MemberData(nameof(JsonIds))]
    public async Task Submit_OddTargetAgent_Returns400AndCreatesNothing(string id)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks", $$"""{"type":"work","input":{},"targetAgent":"{{id}}"}""");

        await ExpectRefusedAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await CountAsync(tenant, "tasks"));
    }

    [Theory]
    [MemberData(nameof(JsonIds))]
    public async Task Submit_OddParentTaskId_Returns400AndCreatesNothing(string id)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks", $$"""{"type":"work","input":{},"parentTaskId":"{{id}}"}""");

        await ExpectRefusedAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await CountAsync(tenant, "tasks"));
    }

    [Theory]
    [MemberData(nameof(JsonIds))]
    public async Task Results_OddTaskId_Returns400AndChangesNothing(string id)
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        var task = await tenant.SubmitAsync();
        await tenant.TakeAsync("agent-1");

        var response = await tenant.Http.PostTextAsync(
            $"{tenant.Path}/agents/agent-1/results", $$$"""{"results":[{"taskId":"{{{id}}}","leaseToken":"x","status":"succeeded","output":{}}]}""");

        Assert.True((int)response.StatusCode is >= 200 and < 500, $"answered {(int)response.StatusCode}");
        if (!response.IsSuccessStatusCode)
        {
            await ExpectRefusedAsync(response, response.StatusCode);
        }

        Assert.Equal("running", (string)(await tenant.TaskAsync((string)task["id"]!))["status"]!);
    }

    [Theory]
    [MemberData(nameof(PathIds))]
    public async Task RegisterAgent_OddPathId_Returns4xxAndRegistersNothing(string id)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/{id}", new { name = "a", capabilities = new[] { new { name = "work", level = 3 } } });

        await ExpectRefusedAsync(response);
        Assert.Equal(0, await CountAsync(tenant, "agents"));
    }

    [Theory]
    [MemberData(nameof(PathIds))]
    public async Task AgentOperations_OddPathId_Return4xx(string id)
    {
        var tenant = await TenantClient.CreateAsync(node);

        await ExpectRefusedAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents/{id}"));
        await ExpectRefusedAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/{id}/pause", new { }));
        await ExpectRefusedAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/{id}/poll", new { waitSeconds = 0 }));
        Assert.Equal(0, await CountAsync(tenant, "agents"));
    }

    [Theory]
    [MemberData(nameof(PathIds))]
    public async Task TenantRoutes_OddPathTenant_Return4xx(string id)
    {
        var before = await TenantIdsAsync();

        await ExpectRefusedAsync(await node.Admin.GetPathAsync($"/v1/tenants/{id}"));
        await ExpectRefusedAsync(await node.Admin.GetPathAsync($"/v1/tenants/{id}/tasks"));
        await ExpectRefusedAsync(await node.Admin.PostJsonAsync($"/v1/tenants/{id}/tasks", new { type = "work", input = new { } }));
        await ExpectRefusedAsync(await node.Admin.PostJsonAsync($"/v1/tenants/{id}/keys", new { name = "k", roles = new[] { "viewer" } }));
        Assert.Equal(before, await TenantIdsAsync());
    }

    [Theory]
    [MemberData(nameof(PathIds))]
    public async Task TaskAndKeyRoutes_OddPathId_Return4xx(string id)
    {
        var tenant = await TenantClient.CreateAsync(node);
        var keys = await CountAsync(tenant, "keys");

        await ExpectRefusedAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/tasks/{id}"));
        await ExpectRefusedAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks/{id}/cancel", new { }));
        await ExpectRefusedAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/tasks/{id}/events"));
        await ExpectRefusedAsync(await tenant.Http.DeletePathAsync($"{tenant.Path}/keys/{id}"));
        Assert.Equal(keys, await CountAsync(tenant, "keys"));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    public async Task CreateTenant_IdWithInvalidUtf8Bytes_Returns400AndCreatesNothing(byte[] bad)
    {
        var before = await TenantIdsAsync();
        var body = Encoding.UTF8.GetBytes("""{"id":"tenant-""").Concat(bad).Concat(Encoding.UTF8.GetBytes("\",\"name\":\"n\"}")).ToArray();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await node.Admin.PostAsync(new Uri("/v1/tenants", UriKind.Relative), content, TestContext.Current.CancellationToken);

        await ExpectRefusedAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await TenantIdsAsync());
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    public async Task RegisterAgent_NameWithInvalidUtf8Bytes_Returns400AndRegistersNothing(byte[] bad)
    {
        var tenant = await TenantClient.CreateAsync(node);
        var body = Encoding.UTF8.GetBytes("""{"name":"a""").Concat(bad).Concat(Encoding.UTF8.GetBytes("\",\"capabilities\":[{\"name\":\"work\",\"level\":3}]}")).ToArray();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await tenant.Http.PutAsync(new Uri($"{tenant.Path}/agents/agent-1", UriKind.Relative), content, TestContext.Current.CancellationToken);

        await ExpectRefusedAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await CountAsync(tenant, "agents"));
    }

    [Theory]
    [InlineData("/v1/tenants/{t}/agents/agent%00-1")]
    [InlineData("/v1/tenants/{t}/tasks/%00")]
    [InlineData("/v1/tenants/a%00b/tasks")]
    public async Task AnyRoute_EncodedNulInPath_RefusedByTheHttpServerWith400(string path)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.GetPathAsync(path.Replace("{t}", tenant.Tenant, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await CountAsync(tenant, "agents"));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xE2, 0x80, 0xAE })]
    public async Task AnyRoute_RawNonAsciiBytesInRequestLine_RefusedByTheHttpServerWith400(byte[] bad)
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(node.BaseAddress.Host, node.BaseAddress.Port, TestContext.Current.CancellationToken);
        var stream = socket.GetStream();
        var request = Encoding.ASCII.GetBytes($"PUT /v1/tenants/{tenant.Tenant}/agents/agent-").Concat(bad)
            .Concat(Encoding.ASCII.GetBytes($" HTTP/1.1\r\nHost: {node.BaseAddress.Authority}\r\nAuthorization: Bearer {node.AdminKey}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
            .ToArray();

        await stream.WriteAsync(request, TestContext.Current.CancellationToken);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync(TestContext.Current.CancellationToken);

        Assert.StartsWith("HTTP/1.1 400", statusLine, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(tenant, "agents"));
    }

    private static async Task ExpectRefusedAsync(HttpResponseMessage response, HttpStatusCode? status = null)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var code = (int)response.StatusCode;
        Assert.True(status is null ? code is >= 400 and < 500 : response.StatusCode == status, $"{response.RequestMessage?.RequestUri}: answered {code}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty((string?)JsonNode.Parse(text)!["code"]), text);
    }

    private async Task<string[]> TenantIdsAsync()
    {
        var list = await Expect.OkAsync(await node.Admin.GetPathAsync("/v1/tenants?limit=1000"));
        return [.. list["items"]!.AsArray().Select(static t => (string)t!["id"]!).Order(StringComparer.Ordinal)];
    }

    private static async Task<int> CountAsync(TenantClient tenant, string resource) =>
        (await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/{resource}")))["items"]!.AsArray().Count;
}
