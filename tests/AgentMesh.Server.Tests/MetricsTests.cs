using System.Globalization;
using System.Net;

namespace AgentMesh.Server.Tests;

[Collection(nameof(MetricsIsolation))]
public class MetricsTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Metrics_TasksSucceeded_CountsThemByTenantAndOutcomeWithoutCredential()
    {
        const int Count = 3;
        var tenant = await TenantClient.CreateAsync(node);
        var agentId = "agent-" + Guid.NewGuid().ToString("N")[..8];
        await tenant.ConnectAsync(agentId);
        var taskIds = new List<string>();
        for (var i = 0; i < Count; i++)
        {
            taskIds.Add((string)(await tenant.SubmitAsync())["id"]!);
            await Expect.OkAsync(await tenant.CompleteAsync(await tenant.TakeAsync(agentId)));
        }

        var text = await ScrapeAsync();

        Assert.Equal(Count, Sample(text, "agentmesh_tasks_submitted_total", $"tenant=\"{tenant.Tenant}\"", "type=\"work\""));
        Assert.Equal(Count, Sample(text, "agentmesh_tasks_completed_total", $"tenant=\"{tenant.Tenant}\"", "type=\"work\"", "outcome=\"succeeded\""));
        Assert.Equal(Count, Sample(text, "agentmesh_task_end_to_end_time_seconds_count", $"tenant=\"{tenant.Tenant}\"", "outcome=\"succeeded\""));
        Assert.Equal(Count, Sample(text, "agentmesh_task_execution_time_seconds_count", $"tenant=\"{tenant.Tenant}\"", "outcome=\"succeeded\""));
        Assert.Equal(Count, Sample(text, "agentmesh_task_queue_time_seconds_count", $"tenant=\"{tenant.Tenant}\""));
        Assert.Equal(1, Sample(text, "agentmesh_agents", $"tenant=\"{tenant.Tenant}\"", "status=\"available\""));
        Assert.Equal(Count, Sample(text, "agentmesh_routing_decisions_total", $"tenant=\"{tenant.Tenant}\"", "type=\"work\"", "outcome=\"assigned\""));
        Assert.Equal(Count, Sample(text, "agentmesh_routing_duration_seconds_count", $"tenant=\"{tenant.Tenant}\""));
        Assert.Equal(0, Sample(text, "agentmesh_agents_slots", $"tenant=\"{tenant.Tenant}\"", "state=\"busy\""));
        Assert.True(Sample(text, "agentmesh_agents_slots", $"tenant=\"{tenant.Tenant}\"", "state=\"free\"") >= 1);
        Assert.Contains("agentmesh_commit_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.DoesNotContain(agentId, text, StringComparison.Ordinal);
        Assert.All(taskIds, id => Assert.DoesNotContain(id, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_TaskWaitingForAnAgent_ShowsAsQueued()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.SubmitAsync("nobody-does-this");

        var text = await ScrapeAsync();

        Assert.Equal(1, Sample(text, "agentmesh_tasks_unfinished", $"tenant=\"{tenant.Tenant}\"", "status=\"queued\""));
        Assert.Equal(0, Sample(text, "agentmesh_tasks_unfinished", $"tenant=\"{tenant.Tenant}\"", "status=\"running\""));
        Assert.Equal(1, Sample(text, "agentmesh_routing_decisions_total", $"tenant=\"{tenant.Tenant}\"", "type=\"nobody-does-this\"", "outcome=\"no_capable_agent\""));
    }

    [Fact]
    public async Task Metrics_ResultsReportTokenUsage_CountedAsGenAiTokenUsageByTokenType()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1", "summarize", maxConcurrency: 2);
        await tenant.SubmitAsync("summarize");
        await tenant.SubmitAsync(new { type = "summarize", input = new { n = 2 }, maxAttempts = 1 });
        var first = await tenant.TakeAsync("agent-1");
        var second = await tenant.TakeAsync("agent-1");

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/agent-1/results", new
        {
            results = new object[]
            {
                new { taskId = (string)first["taskId"]!, leaseToken = (string)first["leaseToken"]!, outcome = "succeeded", output = new { }, usage = new { inputTokens = 1200, outputTokens = 300 } },
                new { taskId = (string)second["taskId"]!, leaseToken = (string)second["leaseToken"]!, outcome = "failed", error = new { code = "model_error", message = "refused" }, retryable = false, usage = new { inputTokens = 800, outputTokens = 0 } },
            },
        });
        await Expect.OkAsync(response);
        var text = await ScrapeAsync();

        Assert.Equal(2000, Sample(text, "agentmesh_genai_token_usage_sum", $"tenant=\"{tenant.Tenant}\"", "type=\"summarize\"", "gen_ai_token_type=\"input\""));
        Assert.Equal(300, Sample(text, "agentmesh_genai_token_usage_sum", $"tenant=\"{tenant.Tenant}\"", "gen_ai_token_type=\"output\""));
        Assert.Equal(2, Sample(text, "agentmesh_genai_token_usage_count", $"tenant=\"{tenant.Tenant}\"", "gen_ai_token_type=\"output\""));
    }

    private async Task<string> ScrapeAsync()
    {
        using var anonymous = node.Client(key: null);
        var response = await anonymous.GetAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include every fragment given.</summary>
    private static double Sample(string exposition, string name, params string[] labels)
    {
        var matches = exposition.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .ToList();
        var line = Assert.Single(matches);
        var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
        return double.Parse(value, CultureInfo.InvariantCulture);
    }
}
