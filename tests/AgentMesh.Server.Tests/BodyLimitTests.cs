using System.Net;
using System.Text;

namespace AgentMesh.Server.Tests;

public class BodyLimitTests(SmallLimitsNodeFixture node) : IClassFixture<SmallLimitsNodeFixture>
{
    private static string Padding(int bytes) => new('x', bytes);

    [Fact]
    public async Task Submit_InputOverLimit_Returns413AndStoresNothing()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work", input = new { text = Padding(SmallLimitsNodeFixture.MaxInputBytes) } });

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Submit_InputJustUnderLimit_Returns201()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work", input = new { text = Padding(SmallLimitsNodeFixture.MaxInputBytes - 100) } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task SubmitBatch_OneInputOverLimit_Returns413AndStoresNone()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks:batch", new { tasks = new object[] { new { type = "a", input = new { } }, new { type = "b", input = new { text = Padding(SmallLimitsNodeFixture.MaxInputBytes) } } } });

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Submit_BodyOverLimit_Returns413()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work", input = new { }, labels = new { big = Padding(SmallLimitsNodeFixture.MaxBodyBytes) } });

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Submit_ChunkedBodyOverLimit_Returns413()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var json = $"{{\"type\": \"work\", \"input\": {{}}, \"labels\": {{\"big\": \"{Padding(SmallLimitsNodeFixture.MaxBodyBytes)}\"}}}}";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{tenant.Path}/tasks", UriKind.Relative)) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await tenant.Http.SendRequestAsync(request);

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task Register_BodyOverLimit_Returns413AndNoAgent()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/agent-1", new { name = "a", capabilities = new[] { new { name = "x", level = 3 } }, description = Padding(SmallLimitsNodeFixture.MaxBodyBytes) });

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        await Expect.ProblemAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents/agent-1"), HttpStatusCode.NotFound, "agent_not_found");
    }

    [Fact]
    public async Task Results_BodyOverLimit_Returns413()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/agent-1/results", new { results = new[] { new { taskId = Guid.CreateVersion7().ToString(), leaseToken = "x", outcome = "succeeded", output = Padding(SmallLimitsNodeFixture.MaxBodyBytes) } } });

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task Complete_OutputOverInputLimit_Returns413AndTaskStillRunning()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");

        var response = await tenant.CompleteAsync(assignment, new { text = Padding(SmallLimitsNodeFixture.MaxInputBytes) });

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal("running", (string)(await tenant.TaskAsync((string)assignment["taskId"]!))["status"]!);
    }
}
