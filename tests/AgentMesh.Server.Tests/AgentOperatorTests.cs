using System.Net;

namespace AgentMesh.Server.Tests;

public class AgentOperatorTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static async Task<string> ActAsync(TenantClient tenant, string agentId, string action, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var agent = await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/agents/{agentId}/{action}"), expected);
        return (string)agent["status"]!;
    }

    [Fact]
    public async Task PauseResume_ConnectedAgent_ChangesStatus()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");

        Assert.Equal("paused", await ActAsync(tenant, "agent-1", "pause"));
        Assert.Equal("available", await ActAsync(tenant, "agent-1", "resume"));
    }

    [Fact]
    public async Task Pause_Agent_ReceivesNoWork()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await ActAsync(tenant, "agent-1", "pause");
        var task = await tenant.SubmitAsync();

        var poll = await tenant.PollAsync("agent-1", wait: 1);

        Assert.Empty(poll["assignments"]!.AsArray());
        Assert.Equal("queued", (string)(await tenant.TaskAsync((string)task["id"]!))["status"]!);
    }

    [Fact]
    public async Task Resume_PausedAgent_GetsQueuedWork()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await ActAsync(tenant, "agent-1", "pause");
        var task = await tenant.SubmitAsync();

        await ActAsync(tenant, "agent-1", "resume");
        var assignment = await tenant.TakeAsync("agent-1");

        Assert.Equal((string)task["id"]!, (string)assignment["taskId"]!);
    }

    [Fact]
    public async Task Drain_IdleAgent_GoesOffline()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");

        Assert.Equal("offline", await ActAsync(tenant, "agent-1", "drain"));
    }

    [Fact]
    public async Task Drain_BusyAgent_IsDrainingUntilDone()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");

        Assert.Equal("draining", await ActAsync(tenant, "agent-1", "drain"));
        await Expect.OkAsync(await tenant.CompleteAsync(assignment));
        var agent = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents/agent-1"));
        Assert.Equal("offline", (string)agent["status"]!);
    }

    [Fact]
    public async Task QuarantineRelease_Agent_ChangesStatus()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");

        Assert.Equal("quarantined", await ActAsync(tenant, "agent-1", "quarantine"));
        Assert.Equal("available", await ActAsync(tenant, "agent-1", "release"));
    }

    [Fact]
    public async Task Resume_QuarantinedAgent_Returns409()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await ActAsync(tenant, "agent-1", "quarantine");

        var response = await tenant.Http.PostEmptyAsync($"{tenant.Path}/agents/agent-1/resume");

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Terminate_IdleAgent_ReturnsTerminated()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");

        Assert.Equal("terminated", await ActAsync(tenant, "agent-1", "terminate"));
    }

    [Fact]
    public async Task Terminate_WithTaskInFlight_Returns409AndKeepsAgent()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        var task = await tenant.SubmitAsync();
        await tenant.TakeAsync("agent-1");

        var response = await tenant.Http.PostEmptyAsync($"{tenant.Path}/agents/agent-1/terminate");

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "conflict");
        var agent = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents/agent-1"));
        Assert.Equal("busy", (string)agent["status"]!);
        Assert.Equal("running", (string)(await tenant.TaskAsync((string)task["id"]!))["status"]!);
    }

    [Fact]
    public async Task Terminate_WithForce_ReleasesTaskToAnotherAgent()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        var task = await tenant.SubmitAsync();
        await tenant.TakeAsync("agent-1");
        await tenant.ConnectAsync("agent-2");

        var agent = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/agent-1/terminate", new { force = true }));
        var assignment = await tenant.TakeAsync("agent-2");

        Assert.Equal("terminated", (string)agent["status"]!);
        Assert.Equal((string)task["id"]!, (string)assignment["taskId"]!);
    }

    [Fact]
    public async Task Terminate_ForceAsString_Returns400NamingForce()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/agents/agent-1/terminate", "{\"force\": \"yes\"}");

        await Expect.MalformedAsync(response, "force");
    }

    [Fact]
    public async Task Terminate_TextPlainBody_Returns415()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/agents/agent-1/terminate", "{\"force\": true}", "text/plain");

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        var agent = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents/agent-1"));
        Assert.Equal("available", (string)agent["status"]!);
    }

    [Fact]
    public async Task Poll_TerminatedAgent_Returns409AgentTerminated()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await ActAsync(tenant, "agent-1", "terminate");

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/agent-1/poll", new { waitSeconds = 0 });

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "agent_terminated");
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("drain")]
    [InlineData("release")]
    [InlineData("quarantine")]
    public async Task Action_TerminatedAgent_Returns409AgentTerminated(string action)
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");
        await ActAsync(tenant, "agent-1", "terminate");

        var response = await tenant.Http.PostEmptyAsync($"{tenant.Path}/agents/agent-1/{action}");

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "agent_terminated");
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("drain")]
    [InlineData("quarantine")]
    [InlineData("release")]
    [InlineData("terminate")]
    public async Task Action_UnknownAgent_Returns404(string action)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostEmptyAsync($"{tenant.Path}/agents/nobody/{action}");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "agent_not_found");
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("terminate")]
    public async Task Action_UnknownTenant_Returns404(string action)
    {
        var response = await node.Admin.PostEmptyAsync($"/v1/tenants/no-such-tenant/agents/agent-1/{action}");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task Pause_OperatorKey_Returns200()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");
        var operatorClient = await tenant.ClientAsync(["operator"]);

        var response = await operatorClient.PostEmptyAsync($"{tenant.Path}/agents/agent-1/pause");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
