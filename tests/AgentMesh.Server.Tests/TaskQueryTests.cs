using System.Net;

namespace AgentMesh.Server.Tests;

public class TaskQueryTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Get_Submitted_ReturnsTask()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var task = await tenant.SubmitAsync();

        var found = await tenant.TaskAsync((string)task["id"]!);

        Assert.Equal((string)task["id"]!, (string)found["id"]!);
        Assert.Equal("queued", (string)found["status"]!);
    }

    [Theory]
    [InlineData("0197a8a0-0000-7000-8000-000000000000")]
    [InlineData("not-a-task-id")]
    public async Task Get_UnknownTask_Returns404(string taskId)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.GetPathAsync($"{tenant.Path}/tasks/{taskId}");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "task_not_found");
    }

    [Fact]
    public async Task Get_TaskOfAnotherTenant_Returns404()
    {
        var mine = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);
        var task = await other.SubmitAsync();

        var response = await mine.Http.GetPathAsync($"{mine.Path}/tasks/{task["id"]}");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "task_not_found");
    }

    [Fact]
    public async Task Get_FinishedTaskOfAnotherTenant_Returns404()
    {
        var mine = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);
        var task = await other.SubmitAsync();
        await other.Http.PostEmptyAsync($"{other.Path}/tasks/{task["id"]}/cancel");

        var response = await mine.Http.GetPathAsync($"{mine.Path}/tasks/{task["id"]}");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "task_not_found");
    }

    [Fact]
    public async Task Get_UnknownTenant_Returns404()
    {
        var response = await node.Admin.GetPathAsync("/v1/tenants/no-such-tenant/tasks/0197a8a0-0000-7000-8000-000000000000");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task Get_ViewerKey_Returns200()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var task = await tenant.SubmitAsync();
        var viewer = await tenant.ClientAsync(["viewer"]);

        var response = await viewer.GetPathAsync($"{tenant.Path}/tasks/{task["id"]}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task List_WithCursor_WalksEveryTaskOnceNewestFirst()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var submitted = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            submitted.Add((string)(await tenant.SubmitAsync())["id"]!);
        }

        var seen = new List<string>();
        var created = new List<DateTimeOffset>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await tenant.ListTasksAsync("?limit=4" + (cursor is null ? "" : $"&cursor={cursor}"));
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= 4);
            seen.AddRange(items.Select(t => (string)t!["id"]!));
            created.AddRange(items.Select(t => (DateTimeOffset)t!["createdAt"]!));
            cursor = (string?)page["nextCursor"];
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(submitted.Count, seen.Distinct().Count());
        Assert.Equal(submitted.Order(), seen.Order());
        Assert.Equal(created.OrderDescending(), created);
    }

    [Fact]
    public async Task List_StatusFilter_ReturnsOnlyMatching()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var cancelled = await tenant.SubmitAsync();
        var queued = await tenant.SubmitAsync();
        await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{cancelled["id"]}/cancel"));

        var list = await tenant.ListTasksAsync("?status=cancelled");

        Assert.Equal([(string)cancelled["id"]!], list["items"]!.AsArray().Select(t => (string)t!["id"]!));
        Assert.Equal([(string)queued["id"]!], (await tenant.ListTasksAsync("?status=queued"))["items"]!.AsArray().Select(t => (string)t!["id"]!));
    }

    [Fact]
    public async Task List_TypeFilter_ReturnsOnlyMatching()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.SubmitAsync("summarize");
        var translate = await tenant.SubmitAsync("translate");

        var list = await tenant.ListTasksAsync("?type=translate");

        Assert.Equal([(string)translate["id"]!], list["items"]!.AsArray().Select(t => (string)t!["id"]!));
    }

    [Fact]
    public async Task List_CorrelationIdFilter_ReturnsOnlyMatching()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.SubmitAsync();
        var correlated = await tenant.SubmitAsync(new { type = "work", input = new { }, correlationId = "c-7" });

        var list = await tenant.ListTasksAsync("?correlationId=c-7");

        Assert.Equal([(string)correlated["id"]!], list["items"]!.AsArray().Select(t => (string)t!["id"]!));
    }

    [Fact]
    public async Task List_OtherTenantsTasks_AreNotListed()
    {
        var mine = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);
        await other.SubmitAsync();

        var list = await mine.ListTasksAsync();

        Assert.Empty(list["items"]!.AsArray());
    }

    [Theory]
    [InlineData("status=done", "status")]
    [InlineData("status=Queued", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=abc", "cursor")]
    [InlineData("parentTaskId=abc", "parentTaskId")]
    public async Task List_BadQuery_Returns400NamingParameter(string query, string field)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.GetPathAsync($"{tenant.Path}/tasks?{query}");

        await Expect.InvalidAsync(response, field);
    }

    [Fact]
    public async Task List_UnknownTenant_Returns404()
    {
        var response = await node.Admin.GetPathAsync("/v1/tenants/no-such-tenant/tasks");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }
}
