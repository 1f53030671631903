using System.Net;
using System.Net.Http.Headers;

namespace AgentMesh.Server.Tests;

public class AgentRegistrationTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static Dictionary<string, object?> Valid(Action<Dictionary<string, object?>>? change = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = "Summarizer",
            ["capabilities"] = new[] { new { name = "summarize", level = 4.5 } },
        };
        change?.Invoke(body);
        return body;
    }

    private async Task AssertRejectedAsync(object body, string field, string agentId = "agent-1")
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/{agentId}", body);

        await Expect.InvalidAsync(response, field);
        var list = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents"));
        Assert.Empty(list["items"]!.AsArray());
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("a.b.c")]
    [InlineData("agent~1")]
    public async Task Register_BadId_Returns400NamingId(string agentId) =>
        await AssertRejectedAsync(Valid(), "id", agentId);

    [Fact]
    public async Task Register_IdOf257Characters_Returns400NamingId() =>
        await AssertRejectedAsync(Valid(), "id", new string('a', 257));

    [Fact]
    public async Task Register_IdOf256Characters_Returns201()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/{new string('A', 256)}", Valid());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Register_MissingName_Returns400NamingName() =>
        await AssertRejectedAsync(Valid(b => b.Remove("name")), "name");

    [Theory]
    [InlineData("name")]
    [InlineData("type")]
    [InlineData("description")]
    public async Task Register_NulInTextField_Returns400NamingIt(string field) =>
        await AssertRejectedAsync(Valid(b => b[field] = "a\0b"), field);

    [Fact]
    public async Task Register_NameOf257Characters_Returns400NamingName() =>
        await AssertRejectedAsync(Valid(b => b["name"] = new string('n', 257)), "name");

    [Fact]
    public async Task Register_DescriptionOf1001Characters_Returns400NamingDescription() =>
        await AssertRejectedAsync(Valid(b => b["description"] = new string('d', 1001)), "description");

    [Fact]
    public async Task Register_NoCapabilities_Returns400NamingCapabilities() =>
        await AssertRejectedAsync(Valid(b => b["capabilities"] = Array.Empty<object>()), "capabilities");

    [Fact]
    public async Task Register_MissingCapabilities_Returns400NamingCapabilities() =>
        await AssertRejectedAsync(Valid(b => b.Remove("capabilities")), "capabilities");

    [Theory]
    [InlineData("Summarize")]
    [InlineData("sum marize")]
    [InlineData("")]
    public async Task Register_BadCapabilityName_Returns400NamingIt(string name) =>
        await AssertRejectedAsync(Valid(b => b["capabilities"] = new[] { new { name = "ok", level = 3.0 }, new { name, level = 3.0 } }), "capabilities[1].name");

    [Fact]
    public async Task Register_CapabilityNameOf65Characters_Returns400NamingIt() =>
        await AssertRejectedAsync(Valid(b => b["capabilities"] = new[] { new { name = new string('c', 65), level = 3.0 } }), "capabilities[0].name");

    [Fact]
    public async Task Register_DuplicateCapability_Returns400NamingIt() =>
        await AssertRejectedAsync(Valid(b => b["capabilities"] = new[] { new { name = "x", level = 3.0 }, new { name = "x", level = 4.0 } }), "capabilities[1].name");

    [Theory]
    [InlineData(0.99)]
    [InlineData(5.01)]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Register_CapabilityLevelOutOfRange_Returns400NamingIt(double level) =>
        await AssertRejectedAsync(Valid(b => b["capabilities"] = new[] { new { name = "x", level } }), "capabilities[0].level");

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task Register_MaxConcurrencyOutOfRange_Returns400NamingIt(int maxConcurrency) =>
        await AssertRejectedAsync(Valid(b => b["maxConcurrency"] = maxConcurrency), "maxConcurrency");

    [Fact]
    public async Task Register_33Tags_Returns400NamingTags() =>
        await AssertRejectedAsync(Valid(b => b["tags"] = Enumerable.Range(0, 33).Select(i => $"t{i}").ToArray()), "tags");

    [Fact]
    public async Task Register_TagOf51Characters_Returns400NamingIt() =>
        await AssertRejectedAsync(Valid(b => b["tags"] = new[] { "gpu", new string('t', 51) }), "tags[1]");

    [Fact]
    public async Task Register_MetadataOver16KiB_Returns400NamingMetadata() =>
        await AssertRejectedAsync(Valid(b => b["metadata"] = new Dictionary<string, string> { ["blob"] = new string('m', 16 * 1024) }), "metadata");

    [Fact]
    public async Task Register_SupervisorIsItself_Returns400NamingSupervisor() =>
        await AssertRejectedAsync(Valid(b => b["supervisor"] = "agent-1"), "supervisor");

    [Fact]
    public async Task Register_CapabilitiesAsObject_Returns400NamingCapabilities()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PutTextAsync($"{tenant.Path}/agents/agent-1", "{\"name\": \"a\", \"capabilities\": {}}");

        await Expect.MalformedAsync(response, "capabilities");
        await Expect.ProblemAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents/agent-1"), HttpStatusCode.NotFound, "agent_not_found");
    }

    [Fact]
    public async Task Register_LevelAsString_Returns400NamingLevel()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PutTextAsync($"{tenant.Path}/agents/agent-1", "{\"name\": \"a\", \"capabilities\": [{\"name\": \"x\", \"level\": \"high\"}]}");

        await Expect.MalformedAsync(response, "capabilities[0].level");
    }

    [Fact]
    public async Task Register_MaxConcurrencyAsString_Returns400NamingIt()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PutTextAsync($"{tenant.Path}/agents/agent-1", "{\"name\": \"a\", \"capabilities\": [{\"name\": \"x\", \"level\": 3}], \"maxConcurrency\": \"4\"}");

        await Expect.MalformedAsync(response, "maxConcurrency");
    }

    [Fact]
    public async Task Register_MetadataWithNumberValue_Returns400NamingMetadata()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PutTextAsync($"{tenant.Path}/agents/agent-1", "{\"name\": \"a\", \"capabilities\": [{\"name\": \"x\", \"level\": 3}], \"metadata\": {\"n\": 1}}");

        await Expect.MalformedAsync(response, "metadata.n");
    }

    [Fact]
    public async Task Register_BodyNestedTooDeep_Returns400AndRegistersNothing()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var nested = new string('[', 10_000) + new string(']', 10_000);

        var response = await tenant.Http.PutTextAsync($"{tenant.Path}/agents/agent-1", """{"name": "a", "capabilities": [{"name": "work", "level": 3}], "metadata": {"k": """ + nested + "}}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json");
        Assert.Empty((await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents")))["items"]!.AsArray());
    }

    [Fact]
    public async Task Register_MalformedJson_Returns400()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PutTextAsync($"{tenant.Path}/agents/agent-1", "{\"name\": ");

        await Expect.MalformedAsync(response, "body");
    }

    [Fact]
    public async Task Register_TextPlain_Returns415()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PutTextAsync($"{tenant.Path}/agents/agent-1", "{\"name\": \"a\", \"capabilities\": [{\"name\": \"x\", \"level\": 3}]}", "text/plain");

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Register_UnknownTenant_Returns404()
    {
        var response = await node.Admin.PutJsonAsync("/v1/tenants/no-such-tenant/agents/agent-1", Valid());

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task Register_OverAgentQuota_Returns422()
    {
        var tenant = await TenantClient.CreateAsync(node, new { maxAgents = 1, maxPendingTasks = 100, requestsPerSecond = 100 });
        await tenant.RegisterAsync("agent-1");

        var response = await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/agent-2", Valid());

        await Expect.ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "quota_exceeded");
    }

    [Fact]
    public async Task Register_ThenUpdate_Returns201Then200WithNewETag()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var first = await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/agent-1", Valid());
        var second = await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/agent-1", Valid(b => b["description"] = "updated"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotNull(first.Headers.ETag);
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
        var agent = await Expect.OkAsync(second);
        Assert.Equal("updated", (string)agent["description"]!);
        Assert.Equal(2, (int)agent["version"]!);
    }

    [Fact]
    public async Task Get_Registered_ReturnsAgentWithETag()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/agent-1", Valid(b => { b["tags"] = new[] { "gpu" }; b["metadata"] = new Dictionary<string, string> { ["region"] = "eu" }; }));

        var response = await tenant.Http.GetPathAsync($"{tenant.Path}/agents/agent-1");

        var agent = await Expect.OkAsync(response);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("agent-1", (string)agent["id"]!);
        Assert.Equal(tenant.Tenant, (string)agent["tenant"]!);
        Assert.Equal("offline", (string)agent["status"]!);
        Assert.Equal("summarize", (string)agent["capabilities"]![0]!["name"]!);
        Assert.Equal(4.5, (double)agent["capabilities"]![0]!["level"]!);
        Assert.Equal(1, (int)agent["maxConcurrency"]!);
        Assert.Equal("gpu", (string)agent["tags"]![0]!);
        Assert.Equal("eu", (string)agent["metadata"]!["region"]!);
    }

    [Fact]
    public async Task Get_IfNoneMatchCurrentETag_Returns304()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var registered = await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/agent-1", Valid());
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{tenant.Path}/agents/agent-1", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(registered.Headers.ETag!);

        var response = await tenant.Http.SendRequestAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Get_IfNoneMatchOldETag_Returns200()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var registered = await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/agent-1", Valid());
        await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/agent-1", Valid(b => b["description"] = "changed"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{tenant.Path}/agents/agent-1", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(registered.Headers.ETag!);

        var response = await tenant.Http.SendRequestAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_IfNoneMatchAmongSeveral_Returns304()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var registered = await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/agent-1", Valid());
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{tenant.Path}/agents/agent-1", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));
        request.Headers.IfNoneMatch.Add(registered.Headers.ETag!);

        var response = await tenant.Http.SendRequestAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Get_UnknownAgent_Returns404()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.GetPathAsync($"{tenant.Path}/agents/nobody");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "agent_not_found");
    }

    [Fact]
    public async Task Get_AgentOfAnotherTenant_Returns404()
    {
        var mine = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);
        await other.RegisterAsync("agent-1");

        var response = await mine.Http.GetPathAsync($"{mine.Path}/agents/agent-1");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "agent_not_found");
    }

    [Fact]
    public async Task Register_TerminatedId_Returns409AgentTerminated()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");
        await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/agents/agent-1/terminate"));

        var response = await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/agent-1", Valid());

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "agent_terminated");
    }

    [Fact]
    public async Task List_StatusFilter_ReturnsOnlyMatching()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("online-1");
        await tenant.RegisterAsync("offline-1");
        await tenant.RegisterAsync("paused-1");
        await tenant.Http.PostEmptyAsync($"{tenant.Path}/agents/paused-1/pause");

        var available = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents?status=available"));
        var offline = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents?status=offline"));
        var paused = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents?status=paused"));

        Assert.Equal(["online-1"], available["items"]!.AsArray().Select(a => (string)a!["id"]!));
        Assert.Equal(["offline-1"], offline["items"]!.AsArray().Select(a => (string)a!["id"]!));
        Assert.Equal(["paused-1"], paused["items"]!.AsArray().Select(a => (string)a!["id"]!));
    }

    [Fact]
    public async Task List_CapabilityFilter_ReturnsOnlyMatching()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("a-1", "summarize");
        await tenant.RegisterAsync("a-2", "translate");

        var list = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents?capability=translate"));

        Assert.Equal(["a-2"], list["items"]!.AsArray().Select(a => (string)a!["id"]!));
    }

    [Fact]
    public async Task List_WithCursor_WalksEveryAgentOnce()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var ids = Enumerable.Range(0, 7).Select(i => $"agent-{i}").ToList();
        foreach (var id in ids)
        {
            await tenant.RegisterAsync(id);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents?limit=3" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")));
            seen.AddRange(page["items"]!.AsArray().Select(a => (string)a!["id"]!));
            cursor = (string?)page["nextCursor"];
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(ids, seen);
    }

    [Theory]
    [InlineData("status=sleeping", "status")]
    [InlineData("status=1", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=abc", "limit")]
    public async Task List_BadQuery_Returns400NamingParameter(string query, string field)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.GetPathAsync($"{tenant.Path}/agents?{query}");

        await Expect.InvalidAsync(response, field);
    }

    [Fact]
    public async Task List_UnknownTenant_Returns404()
    {
        var response = await node.Admin.GetPathAsync("/v1/tenants/no-such-tenant/agents");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }
}
