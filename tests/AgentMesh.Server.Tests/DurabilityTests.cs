using System.Net;

namespace AgentMesh.Server.Tests;

public class DurabilityTests
{
    [Fact]
    public async Task Restart_AcknowledgedTasks_AreAllThereAndQueuedOnesAssignable()
    {
        await using var node = new NodeFixture();
        await node.InitializeAsync();
        var tenant = await TenantClient.CreateAsync(node);
        var agentKey = await node.KeyAsync(tenant.Tenant, ["agent"], "agent-2");
        await tenant.ConnectAsync("agent-1", maxConcurrency: 2);
        var running = await tenant.SubmitAsync();
        await tenant.TakeAsync("agent-1");
        var done = await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");
        await Expect.OkAsync(await tenant.CompleteAsync(assignment));
        var batch = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks:batch", new { tasks = Enumerable.Range(0, 20).Select(i => new { type = "later", input = new { i }, requirements = new[] { new { capability = "later", minLevel = 1 } } }).ToArray() }), HttpStatusCode.Created);
        var acknowledged = batch["items"]!.AsArray().Select(t => (string)t!["id"]!).Append((string)running["id"]!).Append((string)done["id"]!).ToHashSet();
        var tenantKey = tenant.Http.DefaultRequestHeaders.Authorization!.Parameter!;

        await node.RestartAsync();

        var after = new TenantClient(node, tenant.Tenant, node.Client(tenantKey));
        var listed = (await after.ListTasksAsync("?limit=1000"))["items"]!.AsArray();
        Assert.Equal(acknowledged.Order(), listed.Select(t => (string)t!["id"]!).Order());
        Assert.Equal("succeeded", (string)(await after.TaskAsync((string)done["id"]!))["status"]!);
        Assert.Equal("running", (string)(await after.TaskAsync((string)running["id"]!))["status"]!);
        Assert.Equal(20, listed.Count(t => (string)t!["status"]! == "queued"));

        using var agent = node.Client(agentKey);
        await Expect.OkAsync(await agent.PutJsonAsync($"{after.Path}/agents/agent-2", new { name = "a", capabilities = new[] { new { name = "later", level = 3 } }, maxConcurrency = 20 }), HttpStatusCode.Created);
        var poll = await Expect.OkAsync(await agent.PostJsonAsync($"{after.Path}/agents/agent-2/poll", new { max = 20, waitSeconds = 10 }));
        Assert.NotEmpty(poll["assignments"]!.AsArray());
        Assert.All(poll["assignments"]!.AsArray(), a => Assert.Equal("later", (string)a!["type"]!));
    }

    [Fact]
    public async Task Restart_AdminKey_StillWorks()
    {
        await using var node = new NodeFixture();
        await node.InitializeAsync();
        var key = node.AdminKey;
        var tenant = await TenantClient.CreateAsync(node);

        await node.RestartAsync();

        Assert.Equal(key, node.AdminKey);
        using var admin = node.Client(key);
        var found = await Expect.OkAsync(await admin.GetPathAsync($"/v1/tenants/{tenant.Tenant}"));
        Assert.Equal(tenant.Tenant, (string)found["id"]!);
    }

    [Fact]
    public async Task Restart_RevokedKey_StaysRevoked()
    {
        await using var node = new NodeFixture();
        await node.InitializeAsync();
        var tenant = await TenantClient.CreateAsync(node);
        var created = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/keys", new { name = "x", roles = new[] { "viewer" } }), HttpStatusCode.Created);
        await tenant.Http.DeletePathAsync($"{tenant.Path}/keys/{created["id"]}");

        await node.RestartAsync();

        using var client = node.Client((string)created["key"]!);
        await Expect.ProblemAsync(await client.GetPathAsync($"{tenant.Path}/tasks"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Restart_TerminatedAgent_CannotReRegister()
    {
        await using var node = new NodeFixture();
        await node.InitializeAsync();
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");
        await tenant.Http.PostEmptyAsync($"{tenant.Path}/agents/agent-1/terminate");
        var tenantKey = tenant.Http.DefaultRequestHeaders.Authorization!.Parameter!;

        await node.RestartAsync();

        using var client = node.Client(tenantKey);
        var response = await client.PutJsonAsync($"{tenant.Path}/agents/agent-1", new { name = "a", capabilities = new[] { new { name = "x", level = 3 } } });
        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "agent_terminated");
    }

    [Fact]
    public async Task Restart_ConcurrentSubmits_AllAcknowledgedAreThere()
    {
        await using var node = new NodeFixture();
        await node.InitializeAsync();
        var tenant = await TenantClient.CreateAsync(node);
        var tenantKey = tenant.Http.DefaultRequestHeaders.Authorization!.Parameter!;

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => tenant.Http.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work", input = new { i } })));
        var acknowledged = new List<string>();
        foreach (var response in responses)
        {
            acknowledged.Add((string)(await Expect.OkAsync(response, HttpStatusCode.Created))["id"]!);
        }

        await node.RestartAsync();

        var after = new TenantClient(node, tenant.Tenant, node.Client(tenantKey));
        var listed = (await after.ListTasksAsync("?limit=1000"))["items"]!.AsArray();
        Assert.Equal(acknowledged.Order(), listed.Select(t => (string)t!["id"]!).Order());
        Assert.All(listed, t => Assert.Equal("queued", (string)t!["status"]!));
    }
}
