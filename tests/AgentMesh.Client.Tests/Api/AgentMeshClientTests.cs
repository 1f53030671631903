using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using static AgentMesh.Client.Tests.Api.StubHttp;

namespace AgentMesh.Client.Tests.Api;

public class AgentMeshClientTests
{
    private const string TaskJson = """{"id":"019a","tenant":"acme","type":"echo","status":"queued"}""";
    private const string AgentJson = """{"id":"sum-1","tenant":"acme","name":"S","status":"offline"}""";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SubmitTaskAsync_Created_ReportsCreated()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.Created, TaskJson));
        using var client = http.Client();

        var result = await client.SubmitTaskAsync("acme", Echo(), Token);

        Assert.True(result.Created);
        Assert.Equal("019a", result.Task.Id);
        var request = Assert.Single(http.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/v1/tenants/acme/tasks", request.PathAndQuery);
        Assert.Equal("""{"type":"echo","input":{}}""", request.Body);
    }

    [Fact]
    public async Task SubmitTaskAsync_IdempotentRepeat_ReportsNotCreated()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.OK, TaskJson));
        using var client = http.Client();

        var result = await client.SubmitTaskAsync("acme", Echo() with { IdempotencyKey = "k" }, Token);

        Assert.False(result.Created);
    }

    [Fact]
    public async Task RegisterAgentAsync_Update_ReportsNotCreated()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.OK, AgentJson));
        using var client = http.Client();

        var result = await client.RegisterAgentAsync("acme", "sum-1", new AgentRegistration { Name = "S", Capabilities = [new("echo", 3)] }, Token);

        Assert.False(result.Created);
        Assert.Equal("sum-1", result.Agent.Id);
        Assert.Equal(HttpMethod.Put, Assert.Single(http.Requests).Method);
    }

    [Fact]
    public async Task ListTasksAsync_Filters_BuildsQueryString()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.OK, """{"items":[],"nextCursor":null}"""));
        using var client = http.Client();

        await client.ListTasksAsync("acme", new TaskQuery { Status = MeshTaskStatus.DeadLettered, Type = "a b", Limit = 10, Cursor = "c1" }, Token);

        Assert.Equal("/v1/tenants/acme/tasks?status=dead_lettered&type=a%20b&limit=10&cursor=c1", Assert.Single(http.Requests).PathAndQuery);
    }

    [Fact]
    public async Task ListAgentsAsync_Filters_BuildsQueryString()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.OK, """{"items":[],"nextCursor":"n"}"""));
        using var client = http.Client();

        var page = await client.ListAgentsAsync("acme", new AgentQuery { Status = AgentStatus.Quarantined, Capability = "echo" }, Token);

        Assert.Equal("/v1/tenants/acme/agents?status=quarantined&capability=echo", Assert.Single(http.Requests).PathAndQuery);
        Assert.Equal("n", page.NextCursor);
    }

    [Fact]
    public async Task TerminateAgentAsync_Force_SendsForce()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.OK, AgentJson));
        using var client = http.Client();

        await client.TerminateAgentAsync("acme", "sum-1", force: true, Token);

        var request = Assert.Single(http.Requests);
        Assert.Equal("/v1/tenants/acme/agents/sum-1/terminate", request.PathAndQuery);
        Assert.Equal("""{"force":true}""", request.Body);
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("drain")]
    [InlineData("quarantine")]
    [InlineData("release")]
    public async Task AgentActions_Post_ToActionPath(string action)
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.OK, AgentJson));
        using var client = http.Client();

        var agent = action switch
        {
            "pause" => await client.PauseAgentAsync("acme", "sum-1", Token),
            "resume" => await client.ResumeAgentAsync("acme", "sum-1", Token),
            "drain" => await client.DrainAgentAsync("acme", "sum-1", Token),
            "quarantine" => await client.QuarantineAgentAsync("acme", "sum-1", Token),
            _ => await client.ReleaseAgentAsync("acme", "sum-1", Token),
        };

        Assert.Equal("sum-1", agent.Id);
        Assert.Equal($"/v1/tenants/acme/agents/sum-1/{action}", Assert.Single(http.Requests).PathAndQuery);
    }

    [Fact]
    public async Task SubmitTasksAsync_Batch_PostsToBatchPath()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.Created, $$"""{"items":[{{TaskJson}},{{TaskJson}}]}"""));
        using var client = http.Client();

        var tasks = await client.SubmitTasksAsync("acme", [Echo(), Echo()], Token);

        Assert.Equal(2, tasks.Count);
        Assert.Equal("/v1/tenants/acme/tasks:batch", Assert.Single(http.Requests).PathAndQuery);
    }

    [Fact]
    public async Task RevokeKeyAsync_NoContent_Succeeds()
    {
        var http = new StubHttp((_, _) => new HttpResponseMessage(HttpStatusCode.NoContent));
        using var client = http.Client();

        await client.RevokeKeyAsync("acme", "k/1", Token);

        var request = Assert.Single(http.Requests);
        Assert.Equal(HttpMethod.Delete, request.Method);
        Assert.Equal("/v1/tenants/acme/keys/k%2F1", request.PathAndQuery);
    }

    [Fact]
    public async Task ListTenantsAsync_Items_ReturnsTenants()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.OK, """{"items":[{"id":"acme","name":"Acme","status":"active"}]}"""));
        using var client = http.Client();

        var tenants = await client.ListTenantsAsync(Token);

        Assert.Equal("acme", Assert.Single(tenants).Id);
    }

    [Fact]
    public async Task FailTaskAsync_Body_CarriesRetryable()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.OK, TaskJson));
        using var client = http.Client();

        await client.FailTaskAsync("acme", "019a", "lt", new TaskError("boom", "m"), retryable: false, Token);

        var request = Assert.Single(http.Requests);
        Assert.Equal("/v1/tenants/acme/tasks/019a/fail", request.PathAndQuery);
        Assert.Equal("""{"leaseToken":"lt","error":{"code":"boom","message":"m"},"retryable":false}""", request.Body);
    }

    [Fact]
    public async Task GetTaskEventsAsync_Items_ReturnsHistory()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.OK, """{"items":[{"id":"e1","type":"agentmesh.task.submitted","sequence":1,"data":{}}]}"""));
        using var client = http.Client();

        var events = await client.GetTaskEventsAsync("acme", "019a", Token);

        Assert.Equal("agentmesh.task.submitted", Assert.Single(events).Type);
    }

    [Fact]
    public async Task AddAgentMeshClient_Options_SendsBearerKeyToBaseAddress()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.OK, """{"id":"acme","name":"Acme","status":"active"}"""));
        var services = new ServiceCollection();
        services.AddAgentMeshClient(o =>
        {
            o.BaseAddress = new Uri("http://node.test/prefix");
            o.ApiKey = "amk_123";
        }).ConfigurePrimaryHttpMessageHandler(() => http);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<AgentMeshClient>().GetTenantAsync("acme", Token);

        var request = Assert.Single(http.Requests);
        Assert.Equal("/prefix/v1/tenants/acme", request.PathAndQuery);
        Assert.Contains("Authorization: Bearer amk_123", request.Headers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitTaskAsync_NoInput_ThrowsBeforeSending()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.Created, TaskJson));
        using var client = http.Client();

        await Assert.ThrowsAsync<ArgumentException>(() => client.SubmitTaskAsync("acme", new TaskSubmission { Type = "echo", Input = default }, Token));

        Assert.Empty(http.Requests);
    }

    [Fact]
    public void Create_NoApiKey_Throws() =>
        Assert.Throws<ArgumentException>(() => AgentMeshClient.Create(new Uri("http://node.test/"), ""));

    private static TaskSubmission Echo() => new() { Type = "echo", Input = JsonDocument.Parse("{}").RootElement };
}
