using System.Net;

namespace AgentMesh.Server.Tests;

public class EventTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static async Task<string> RunToSuccessAsync(TenantClient tenant)
    {
        var task = await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");
        await Expect.OkAsync(await tenant.CompleteAsync(assignment));
        return (string)task["id"]!;
    }

    [Fact]
    public async Task History_SucceededTask_ListsEventsInOrderAsCloudEvents()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        var taskId = await RunToSuccessAsync(tenant);

        var history = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/tasks/{taskId}/events"));

        var items = history["items"]!.AsArray();
        Assert.Equal(["agentmesh.task.submitted", "agentmesh.task.assigned", "agentmesh.task.succeeded"], items.Select(e => (string)e!["type"]!));
        var sequences = items.Select(e => (long)e!["sequence"]!).ToList();
        Assert.Equal(sequences.Order(), sequences);
        foreach (var item in items)
        {
            Assert.Equal("1.0", (string)item!["specversion"]!);
            Assert.False(string.IsNullOrEmpty((string?)item["id"]));
            Assert.Equal("/agentmesh", (string)item["source"]!);
            Assert.Equal($"tasks/{taskId}", (string)item["subject"]!);
            Assert.True(DateTimeOffset.TryParse((string)item["time"]!, System.Globalization.CultureInfo.InvariantCulture, out _));
            Assert.Equal(tenant.Tenant, (string)item["tenant"]!);
            Assert.Equal(taskId, (string)item["data"]!["taskId"]!);
        }

        Assert.Equal(3, items.Select(e => (string)e!["id"]!).Distinct().Count());
    }

    [Fact]
    public async Task History_UnknownTask_Returns404()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.GetPathAsync($"{tenant.Path}/tasks/0197a8a0-0000-7000-8000-000000000000/events");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "task_not_found");
    }

    [Fact]
    public async Task History_TaskOfAnotherTenant_Returns404()
    {
        var mine = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);
        var task = await other.SubmitAsync();

        var response = await mine.Http.GetPathAsync($"{mine.Path}/tasks/{task["id"]}/events");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "task_not_found");
    }

    [Fact]
    public async Task TaskStream_EndsAfterTerminalEvent()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        var task = await tenant.SubmitAsync();
        await using var stream = await SseReader.OpenAsync(tenant.Http, $"{tenant.Path}/tasks/{task["id"]}/events");
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);

        var assignment = await tenant.TakeAsync("agent-1");
        await tenant.CompleteAsync(assignment);
        var events = new List<SseEvent>();
        while (await stream.NextAsync() is { } next)
        {
            events.Add(next);
        }

        Assert.Equal(["agentmesh.task.submitted", "agentmesh.task.assigned", "agentmesh.task.succeeded"], events.Select(e => e.Type));
        Assert.Equal(events.Select(e => e.Id), events.Select(e => (long)e.Data["sequence"]!));
    }

    [Fact]
    public async Task TaskStream_FinishedTask_ReplaysAndEnds()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var task = await tenant.SubmitAsync();
        await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{task["id"]}/cancel");
        await using var stream = await SseReader.OpenAsync(tenant.Http, $"{tenant.Path}/tasks/{task["id"]}/events");

        var events = new List<SseEvent>();
        while (await stream.NextAsync() is { } next)
        {
            events.Add(next);
        }

        Assert.Equal(["agentmesh.task.submitted", "agentmesh.task.cancelled"], events.Select(e => e.Type));
    }

    [Fact]
    public async Task TenantStream_DeliversLiveEvents()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await using var stream = await SseReader.OpenAsync(tenant.Http, $"{tenant.Path}/events?types=agentmesh.task.submitted");
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);

        var task = await tenant.SubmitAsync();
        var received = await stream.NextAsync();

        Assert.NotNull(received);
        Assert.Equal("agentmesh.task.submitted", received.Type);
        Assert.Equal((string)task["id"]!, (string)received.Data["data"]!["taskId"]!);
        Assert.Equal(tenant.Tenant, (string)received.Data["tenant"]!);
    }

    [Fact]
    public async Task TenantStream_TypesFilter_SendsOnlyThoseTypes()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await using var stream = await SseReader.OpenAsync(tenant.Http, $"{tenant.Path}/events?types=agentmesh.task.succeeded,agentmesh.task.cancelled");

        var succeeded = await RunToSuccessAsync(tenant);
        var cancelled = await tenant.SubmitAsync(new { type = "other", input = new { }, requirements = new[] { new { capability = "nobody-has-this", minLevel = 1 } } });
        await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{cancelled["id"]}/cancel"));
        var first = await stream.NextAsync();
        var second = await stream.NextAsync();

        Assert.Equal("agentmesh.task.succeeded", first!.Type);
        Assert.Equal(succeeded, (string)first.Data["data"]!["taskId"]!);
        Assert.Equal("agentmesh.task.cancelled", second!.Type);
    }

    [Fact]
    public async Task TenantStream_WithoutSince_StartsLiveAndSkipsHistory()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.SubmitAsync();
        await using var stream = await SseReader.OpenAsync(tenant.Http, $"{tenant.Path}/events?types=agentmesh.task.submitted");

        var live = await tenant.SubmitAsync();
        var received = await stream.NextAsync();

        Assert.Equal((string)live["id"]!, (string)received!.Data["data"]!["taskId"]!);
    }

    [Fact]
    public async Task TenantStream_OtherTenantsEvents_AreNotSent()
    {
        var mine = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);
        await using var stream = await SseReader.OpenAsync(mine.Http, $"{mine.Path}/events?types=agentmesh.task.submitted");

        await other.SubmitAsync();
        var task = await mine.SubmitAsync();
        var received = await stream.NextAsync();

        Assert.Equal((string)task["id"]!, (string)received!.Data["data"]!["taskId"]!);
    }

    [Fact]
    public async Task TenantStream_LastEventId_ResumesWithoutRepeatOrGap()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((string)(await tenant.SubmitAsync())["id"]!);
        }

        long resumeAfter;
        await using (var first = await SseReader.OpenAsync(tenant.Http, $"{tenant.Path}/events?types=agentmesh.task.submitted&since=0"))
        {
            var one = await first.NextAsync();
            var two = await first.NextAsync();
            Assert.Equal(ids[0], (string)one!.Data["data"]!["taskId"]!);
            Assert.Equal(ids[1], (string)two!.Data["data"]!["taskId"]!);
            resumeAfter = two.Id;
        }

        for (var i = 0; i < 2; i++)
        {
            ids.Add((string)(await tenant.SubmitAsync())["id"]!);
        }

        await using var resumed = await SseReader.OpenAsync(tenant.Http, $"{tenant.Path}/events?types=agentmesh.task.submitted", resumeAfter.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var rest = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            rest.Add((string)(await resumed.NextAsync())!.Data["data"]!["taskId"]!);
        }

        var live = await tenant.SubmitAsync();
        rest.Add((string)(await resumed.NextAsync())!.Data["data"]!["taskId"]!);

        Assert.Equal([ids[2], ids[3], ids[4], (string)live["id"]!], rest);
    }

    [Fact]
    public async Task TenantStream_Since_StartsAfterSequence()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.SubmitAsync();
        var history = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/tasks/{(string)(await tenant.ListTasksAsync())["items"]![0]!["id"]!}/events"));
        var after = (long)history["items"]![0]!["sequence"]!;
        var second = await tenant.SubmitAsync();

        await using var stream = await SseReader.OpenAsync(tenant.Http, $"{tenant.Path}/events?types=agentmesh.task.submitted&since={after}");
        var received = await stream.NextAsync();

        Assert.Equal((string)second["id"]!, (string)received!.Data["data"]!["taskId"]!);
    }

    [Theory]
    [InlineData("since=abc")]
    [InlineData("since=-1")]
    public async Task TenantStream_BadSince_Returns400(string query)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.GetPathAsync($"{tenant.Path}/events?{query}");

        await Expect.InvalidAsync(response, "since");
    }

    [Fact]
    public async Task TenantStream_BadLastEventId_Returns400()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{tenant.Path}/events", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Last-Event-ID", "yesterday");

        var response = await tenant.Http.SendRequestAsync(request);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task TenantStream_UnknownTenant_Returns404()
    {
        var response = await node.Admin.GetPathAsync("/v1/tenants/no-such-tenant/events");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }
}
