using System.Net;
using System.Net.Http.Json;

namespace AgentMesh.Server.Tests;

public class SmokeTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task SubmitPollComplete_OverHttp_Succeeds()
    {
        var (tenant, client) = await node.TenantAsync();
        var ct = TestContext.Current.CancellationToken;
        var register = await client.PutAsJsonAsync($"/v1/tenants/{tenant}/agents/echo-1", new { name = "Echo", capabilities = new[] { new { name = "echo", level = 4 } } }, ct);
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        await client.PostAsJsonAsync($"/v1/tenants/{tenant}/agents/echo-1/poll", new { max = 1, waitSeconds = 0 }, ct);

        var submit = await client.PostAsJsonAsync($"/v1/tenants/{tenant}/tasks", new { type = "echo", input = new { text = "hi" } }, ct);
        var task = await NodeFixture.ReadAsync(submit);
        var poll = await NodeFixture.ReadAsync(await client.PostAsJsonAsync($"/v1/tenants/{tenant}/agents/echo-1/poll", new { max = 1, waitSeconds = 5 }, ct));
        var assignment = poll["assignments"]![0]!;
        var complete = await client.PostAsJsonAsync($"/v1/tenants/{tenant}/tasks/{assignment["taskId"]}/complete", new { leaseToken = (string)assignment["leaseToken"]!, output = new { text = "hi back" } }, ct);
        var done = await NodeFixture.ReadAsync(complete);

        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        Assert.Equal((string)task["id"]!, (string)assignment["taskId"]!);
        Assert.Equal("hi", (string)assignment["input"]!["text"]!);
        Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        Assert.Equal("succeeded", (string)done["status"]!);
        Assert.Equal("hi back", (string)done["output"]!["text"]!);
    }
}
