using System.Net;

namespace AgentMesh.Server.Tests;

public class HealthDetailTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Detail_WithoutCredential_Answers401Problem()
    {
        using var anonymous = node.Client(key: null);

        var response = await anonymous.GetPathAsync("/health/detail");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unauthenticated", (string)(await NodeFixture.ReadAsync(response))["code"]!);
    }

    [Fact]
    public async Task Detail_TenantAdmin_Answers403Problem()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.GetPathAsync("/health/detail");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("forbidden", (string)(await NodeFixture.ReadAsync(response))["code"]!);
    }

    [Fact]
    public async Task Detail_SystemAdmin_ReportsStoreEngineAndUptime()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync("nobody-does-this");

        var response = await node.Admin.GetPathAsync("/health/detail");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await NodeFixture.ReadAsync(response);
        Assert.Equal("healthy", (string)report["status"]!);
        Assert.False(string.IsNullOrEmpty((string)report["version"]!));
        Assert.True((double)report["uptimeSeconds"]! > 0);
        Assert.Equal("sqlite", (string)report["store"]!["kind"]!);
        Assert.Equal("healthy", (string)report["store"]!["status"]!);
        Assert.True((double)report["store"]!["pingMilliseconds"]! >= 0);
        var engine = report["engine"]!;
        Assert.True((bool)engine["running"]!);
        Assert.True((int)engine["tenants"]! >= 1);
        Assert.True((int)engine["unfinishedTasks"]! >= 1);
        Assert.True((int)engine["connectedAgents"]! >= 1);
        Assert.Equal(1, engine["agents"]!.AsObject().Sum(static a => (int)a.Value!));
        Assert.True((long)engine["commitBatches"]! >= 1);
        Assert.True((int)engine["commitQueueDepth"]! >= 0);
    }
}
