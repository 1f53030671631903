using System.Net;
using System.Net.Http.Headers;

namespace AgentMesh.Server.Tests;

public class AuthenticationTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    public static TheoryData<string, string> TenantRoutes { get; } = new()
    {
        { "GET", "/v1/tenants/{t}" },
        { "GET", "/v1/tenants/{t}/keys" },
        { "POST", "/v1/tenants/{t}/keys" },
        { "DELETE", "/v1/tenants/{t}/keys/abc" },
        { "PUT", "/v1/tenants/{t}/agents/agent-1" },
        { "GET", "/v1/tenants/{t}/agents" },
        { "GET", "/v1/tenants/{t}/agents/agent-1" },
        { "POST", "/v1/tenants/{t}/agents/agent-1/pause" },
        { "POST", "/v1/tenants/{t}/agents/agent-1/terminate" },
        { "POST", "/v1/tenants/{t}/agents/agent-1/poll" },
        { "POST", "/v1/tenants/{t}/agents/agent-1/heartbeat" },
        { "POST", "/v1/tenants/{t}/agents/agent-1/results" },
        { "POST", "/v1/tenants/{t}/tasks" },
        { "POST", "/v1/tenants/{t}/tasks:batch" },
        { "GET", "/v1/tenants/{t}/tasks" },
        { "GET", "/v1/tenants/{t}/tasks/0197a8a0-0000-7000-8000-000000000000" },
        { "POST", "/v1/tenants/{t}/tasks/0197a8a0-0000-7000-8000-000000000000/cancel" },
        { "POST", "/v1/tenants/{t}/tasks/0197a8a0-0000-7000-8000-000000000000/retry" },
        { "POST", "/v1/tenants/{t}/tasks/0197a8a0-0000-7000-8000-000000000000/approve" },
        { "POST", "/v1/tenants/{t}/tasks/0197a8a0-0000-7000-8000-000000000000/complete" },
        { "POST", "/v1/tenants/{t}/tasks/0197a8a0-0000-7000-8000-000000000000/fail" },
        { "POST", "/v1/tenants/{t}/tasks/0197a8a0-0000-7000-8000-000000000000/progress" },
        { "POST", "/v1/tenants/{t}/tasks/0197a8a0-0000-7000-8000-000000000000/decline" },
        { "GET", "/v1/tenants/{t}/tasks/0197a8a0-0000-7000-8000-000000000000/events" },
        { "GET", "/v1/tenants/{t}/events" },
    };

    private static Task<HttpResponseMessage> CallAsync(HttpClient client, string method, string path) =>
        client.SendTextAsync(new HttpMethod(method), path, "{}");

    [Theory]
    [MemberData(nameof(TenantRoutes))]
    public async Task Call_NoCredential_Returns401(string method, string route)
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var anonymous = node.Client(null);

        var response = await CallAsync(anonymous, method, route.Replace("{t}", tenant.Tenant, StringComparison.Ordinal));

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory]
    [MemberData(nameof(TenantRoutes))]
    public async Task Call_OtherTenantsKey_Returns404(string method, string route)
    {
        var mine = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);

        var response = await CallAsync(mine.Http, method, route.Replace("{t}", other.Tenant, StringComparison.Ordinal));

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Theory]
    [MemberData(nameof(TenantRoutes))]
    public async Task Call_OtherTenantsKeyOnUnknownTenant_Returns404(string method, string route)
    {
        var mine = await TenantClient.CreateAsync(node);

        var response = await CallAsync(mine.Http, method, route.Replace("{t}", "no-such-tenant", StringComparison.Ordinal));

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer not-a-key")]
    [InlineData("Bearer amk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer amk_")]
    [InlineData("Bearer amk_abc_")]
    public async Task Call_BadCredential_Returns401(string authorization)
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{tenant.Path}/tasks", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await client.SendRequestAsync(request);

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    public static TheoryData<string, string> Writes { get; } = new()
    {
        { "POST", "/tasks" },
        { "POST", "/tasks:batch" },
        { "PUT", "/agents/agent-1" },
        { "POST", "/keys" },
    };

    private static Task<HttpResponseMessage> WriteAsync(HttpClient client, string method, string path) =>
        client.SendTextAsync(new HttpMethod(method), path, path.EndsWith("/tasks", StringComparison.Ordinal) ? """{"type":"work","input":{}}"""
            : path.EndsWith(":batch", StringComparison.Ordinal) ? """{"tasks":[{"type":"work","input":{}}]}"""
            : path.EndsWith("/keys", StringComparison.Ordinal) ? """{"name":"k","roles":["tenant-admin"]}"""
            : """{"name":"a","capabilities":[{"name":"work","level":3}]}""");

    /// <summary>The tenant holds no task, no agent, and only its <paramref name="keys"/> keys.</summary>
    private static async Task AssertNothingWrittenAsync(TenantClient tenant, int keys = 1)
    {
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
        Assert.Empty((await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents")))["items"]!.AsArray());
        Assert.Equal(keys, (await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/keys")))["items"]!.AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Write_NoCredential_Returns401AndWritesNothing(string method, string route)
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var anonymous = node.Client(null);

        var response = await WriteAsync(anonymous, method, tenant.Path + route);

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        await AssertNothingWrittenAsync(tenant);
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Write_OtherTenantsKey_Returns404AndWritesNothing(string method, string route)
    {
        var mine = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);

        var response = await WriteAsync(mine.Http, method, other.Path + route);

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
        await AssertNothingWrittenAsync(other);
    }

    [Theory]
    [InlineData("viewer", "POST", "/tasks")]
    [InlineData("auditor", "POST", "/tasks")]
    [InlineData("agent", "POST", "/tasks")]
    [InlineData("viewer", "POST", "/tasks:batch")]
    [InlineData("submitter", "PUT", "/agents/agent-1")]
    [InlineData("viewer", "PUT", "/agents/agent-1")]
    [InlineData("submitter", "POST", "/keys")]
    [InlineData("operator", "POST", "/keys")]
    [InlineData("agent", "POST", "/keys")]
    public async Task Write_RoleWithoutPermission_Returns403AndWritesNothing(string role, string method, string route)
    {
        var tenant = await TenantClient.CreateAsync(node);
        var client = await tenant.ClientAsync([role], role == "agent" ? "agent-2" : null);

        var response = await WriteAsync(client, method, tenant.Path + route);

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        await AssertNothingWrittenAsync(tenant, keys: 2);
    }

    [Fact]
    public async Task Register_AgentKeyForAnotherAgent_Returns403AndRegistersNothing()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var client = await tenant.ClientAsync(["agent"], "agent-2");

        var response = await WriteAsync(client, "PUT", $"{tenant.Path}/agents/agent-1");

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        await AssertNothingWrittenAsync(tenant, keys: 2);
    }

    [Fact]
    public async Task Call_AdminKeyWithWrongSecret_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var tampered = node.AdminKey[..^2] + (node.AdminKey[^2..] == "AA" ? "BB" : "AA");
        using var client = node.Client(tampered);

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Call_RevokedKey_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var created = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/keys", new { name = "x", roles = new[] { "submitter" } }), HttpStatusCode.Created);
        await tenant.Http.DeletePathAsync($"{tenant.Path}/keys/{created["id"]}");
        using var client = node.Client((string)created["key"]!);

        var response = await client.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work", input = new { } });

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Theory]
    [InlineData("viewer", "POST", "/tasks")]
    [InlineData("auditor", "POST", "/tasks")]
    [InlineData("agent", "POST", "/tasks")]
    [InlineData("viewer", "POST", "/tasks:batch")]
    [InlineData("agent", "GET", "/tasks")]
    [InlineData("agent", "GET", "/agents")]
    [InlineData("submitter", "POST", "/agents/agent-1/pause")]
    [InlineData("viewer", "POST", "/agents/agent-1/terminate")]
    [InlineData("agent", "POST", "/agents/agent-1/quarantine")]
    [InlineData("submitter", "PUT", "/agents/agent-1")]
    [InlineData("viewer", "PUT", "/agents/agent-1")]
    [InlineData("submitter", "POST", "/agents/agent-1/poll")]
    [InlineData("operator", "POST", "/agents/agent-1/heartbeat")]
    [InlineData("viewer", "POST", "/agents/agent-1/results")]
    [InlineData("submitter", "POST", "/tasks/0197a8a0-0000-7000-8000-000000000000/retry")]
    [InlineData("submitter", "POST", "/tasks/0197a8a0-0000-7000-8000-000000000000/approve")]
    [InlineData("viewer", "POST", "/tasks/0197a8a0-0000-7000-8000-000000000000/cancel")]
    [InlineData("viewer", "POST", "/tasks/0197a8a0-0000-7000-8000-000000000000/complete")]
    [InlineData("submitter", "POST", "/tasks/0197a8a0-0000-7000-8000-000000000000/fail")]
    [InlineData("agent", "GET", "/events")]
    [InlineData("submitter", "GET", "/keys")]
    public async Task Call_RoleWithoutPermission_Returns403(string role, string method, string route)
    {
        var tenant = await TenantClient.CreateAsync(node);
        var client = await tenant.ClientAsync([role], role == "agent" ? "agent-1" : null);

        var response = await CallAsync(client, method, tenant.Path + route);

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("PUT", "/agents/agent-2")]
    [InlineData("POST", "/agents/agent-2/poll")]
    [InlineData("POST", "/agents/agent-2/heartbeat")]
    [InlineData("POST", "/agents/agent-2/results")]
    public async Task Call_AgentKeyForAnotherAgent_Returns403(string method, string route)
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-2");
        var client = await tenant.ClientAsync(["agent"], "agent-1");

        var response = await CallAsync(client, method, tenant.Path + route);

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Complete_AgentKeyForAnotherAgent_Returns403AndTaskStillRunning()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.RegisterAsync("agent-2");
        var task = await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");
        var impostor = await tenant.ClientAsync(["agent"], "agent-2");

        var response = await impostor.PostJsonAsync($"{tenant.Path}/tasks/{task["id"]}/complete", new { leaseToken = (string)assignment["leaseToken"]!, output = new { } });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("running", (string)(await tenant.TaskAsync((string)task["id"]!))["status"]!);
    }

    [Fact]
    public async Task Poll_AgentKeyForItself_Returns200()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");
        var client = await tenant.ClientAsync(["agent"], "agent-1");

        var response = await client.PostJsonAsync($"{tenant.Path}/agents/agent-1/poll", new { waitSeconds = 0 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Register_AgentKeyForItself_Returns201()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var client = await tenant.ClientAsync(["agent"], "agent-1");

        var response = await client.PutJsonAsync($"{tenant.Path}/agents/agent-1", new { name = "a", capabilities = new[] { new { name = "work", level = 3 } } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Call_WithoutAuthorizationScheme_Returns401()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var client = node.Client(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(node.AdminKey);

        var response = await client.GetPathAsync($"{tenant.Path}/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }
}
