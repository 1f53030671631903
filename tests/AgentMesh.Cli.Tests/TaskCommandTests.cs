using System.Text.Json;

namespace AgentMesh.Cli.Tests;

[Collection(SharedNode.Name)]
public sealed class TaskCommandTests(CliNode node)
{
    [Fact]
    public async Task Submit_Json_ReturnsTheQueuedTask()
    {
        var tenant = await node.TenantAsync();

        var result = await Cli.RunAsync(node.Connect(
            "task", "submit", "--tenant", tenant, "--type", "summarize", "--input", """{"text":"Hi. Bye."}""",
            "--require", "summarize:3", "--priority", "5", "--label", "team=a", "--deadline", "+5m", "--json"));

        Assert.Equal(0, result.ExitCode);
        var task = result.Json();
        Assert.Equal("summarize", task.GetProperty("type").GetString());
        Assert.Equal("queued", task.GetProperty("status").GetString());
        Assert.Equal(5, task.GetProperty("priority").GetInt32());
        Assert.Equal("a", task.GetProperty("labels").GetProperty("team").GetString());
        Assert.Equal(3, task.GetProperty("requirements")[0].GetProperty("minLevel").GetDouble());
    }

    [Fact]
    public async Task Submit_SameIdempotencyKey_ReturnsTheFirstTask()
    {
        var tenant = await node.TenantAsync();
        string[] submit = ["task", "submit", "--tenant", tenant, "--type", "echo", "--idempotency-key", "order-42", "--json"];

        var first = await Cli.RunAsync(node.Connect(submit));
        var second = await Cli.RunAsync(node.Connect(submit));

        Assert.Equal(first.Json().GetProperty("id").GetString(), second.Json().GetProperty("id").GetString());
    }

    [Fact]
    public async Task Submit_InvalidInputJson_ExitsTwo()
    {
        var result = await Cli.RunAsync(node.Connect("task", "submit", "--tenant", "any", "--type", "echo", "--input", "{nope"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--input", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_PriorityOutOfRange_ExitsOneWithFieldErrors()
    {
        var tenant = await node.TenantAsync();

        var result = await Cli.RunAsync(node.Connect("task", "submit", "--tenant", tenant, "--type", "echo", "--priority", "9"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("validation_failed", result.Error, StringComparison.Ordinal);
        Assert.Contains("priority", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_AfterSubmits_ShowsThemNewestFirst()
    {
        var tenant = await node.TenantAsync();
        var first = (await Cli.RunAsync(node.Connect("task", "submit", "--tenant", tenant, "--type", "a", "--json"))).Json().GetProperty("id").GetString();
        var second = (await Cli.RunAsync(node.Connect("task", "submit", "--tenant", tenant, "--type", "b", "--json"))).Json().GetProperty("id").GetString();

        var json = await Cli.RunAsync(node.Connect("task", "list", "--tenant", tenant, "--json"));
        var table = await Cli.RunAsync(node.Connect("task", "list", "--tenant", tenant, "--status", "queued"));

        Assert.Equal(0, json.ExitCode);
        Assert.Equal([second, first], json.Json().GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        Assert.Equal(0, table.ExitCode);
        Assert.Contains(first!, table.Out, StringComparison.Ordinal);
        Assert.Contains("2 task(s)", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_All_PagesThroughEveryTask()
    {
        var tenant = await node.TenantAsync();
        for (var i = 0; i < 3; i++)
        {
            await Cli.RunAsync(node.Connect("task", "submit", "--tenant", tenant, "--type", "x"));
        }

        var result = await Cli.RunAsync(node.Connect("task", "list", "--tenant", tenant, "--all", "--json"));

        Assert.Equal(3, result.Json().GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Show_SubmittedTask_PrintsItsHistory()
    {
        var tenant = await node.TenantAsync();
        var id = (await Cli.RunAsync(node.Connect("task", "submit", "--tenant", tenant, "--type", "summarize", "--json"))).Json().GetProperty("id").GetString()!;

        var people = await Cli.RunAsync(node.Connect("task", "show", "--tenant", tenant, id));
        var json = await Cli.RunAsync(node.Connect("task", "show", "--tenant", tenant, id, "--json"));

        Assert.Equal(0, people.ExitCode);
        Assert.Contains(id, people.Out, StringComparison.Ordinal);
        Assert.Contains("task.submitted", people.Out, StringComparison.Ordinal);
        Assert.Equal(id, json.Json().GetProperty("id").GetString());
        Assert.Equal("agentmesh.task.submitted", json.Json().GetProperty("events")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Cancel_QueuedTask_LeavesItCancelled()
    {
        var tenant = await node.TenantAsync();
        var id = (await Cli.RunAsync(node.Connect("task", "submit", "--tenant", tenant, "--type", "x", "--json"))).Json().GetProperty("id").GetString()!;

        var cancelled = await Cli.RunAsync(node.Connect("task", "cancel", "--tenant", tenant, id, "--json"));

        Assert.Equal(0, cancelled.ExitCode);
        Assert.Equal("cancelled", cancelled.Json().GetProperty("status").GetString());
    }

    [Fact]
    public async Task Watch_CancelledTask_ExitsOne()
    {
        var tenant = await node.TenantAsync();
        var id = (await Cli.RunAsync(node.Connect("task", "submit", "--tenant", tenant, "--type", "x", "--json"))).Json().GetProperty("id").GetString()!;
        await Cli.RunAsync(node.Connect("task", "cancel", "--tenant", tenant, id));

        var watched = await Cli.RunAsync(node.Connect("task", "watch", "--tenant", tenant, id));

        Assert.Equal(1, watched.ExitCode);
        Assert.Contains("cancelled", watched.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_UnknownTenant_ExitsOneWithTheProblemCode()
    {
        var result = await Cli.RunAsync(node.Connect("task", "list", "--tenant", "no-such-tenant"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("tenant_not_found", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_MissingType_ExitsTwo()
    {
        var result = await Cli.RunAsync(node.Connect("task", "submit", "--tenant", "any"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--type", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_OneTenant_JsonCountsItsQueuedTasks()
    {
        var tenant = await node.TenantAsync();
        await Cli.RunAsync(node.Connect("task", "submit", "--tenant", tenant, "--type", "x"));

        var result = await Cli.RunAsync(node.Connect("status", "--tenant", tenant, "--json"));

        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Json().GetProperty("ready").GetBoolean());
        var tasks = result.Json().GetProperty("tenants")[0].GetProperty("tasks");
        Assert.Equal(1, tasks.GetProperty("queued").GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Object, tasks.ValueKind);
    }
}
