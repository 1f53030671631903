using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentMesh.TestKit.Services;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>An agent whose handler throws on every task, beside a healthy one with the same capability, under a running workload.</summary>
public sealed class BrokenAgentTests(PostgresServer postgres)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AgentWhoseHandlerAlwaysThrows_BreakerOpensAndItDeclines_EveryTaskSucceedsElsewhereOnce()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var cluster = await ClusterUnderTest.StartAsync(connectionString, nodes: 1);
        using var node = DependencyHangTests.Http(cluster);
        Assert.Equal(HttpStatusCode.Created, (await node.PostAsJsonAsync("/v1/tenants", new { id = "acme", name = "Acme" }, Cancellation)).StatusCode);
        var broken = await cluster.AgentsAsync("acme", "broken", agents: 1, primary: 0, concurrency: 16, "--broken", "true");
        await cluster.AgentsAsync("acme", "healthy", agents: 1, primary: 0, concurrency: 16);

        // A task fails on the broken agent at most a few times before its breaker opens (then it only declines, which
        // costs no attempt) and a failed task's retry avoids the agent that failed it: 6, the most allowed, is plenty.
        await using var workload = new SubmitWorkload(node, "acme", submitters: 4, maxAttempts: 6);
        await workload.WaitForMoreAsync(2000, TimeSpan.FromSeconds(90));
        await workload.StopAsync();
        await TaskOutcomes.AssertEverySucceededOnceAsync(connectionString, [.. workload.Acknowledged], TimeSpan.FromSeconds(90));
        var acknowledged = workload.Acknowledged.Count;

        // Every task, also one created by a submission the workload stopped waiting for (the database is this test's own).
        await DependencyHangTests.WaitUntilAsync(
            async () => await TaskOutcomes.CountAsync(connectionString, "SELECT count(*) FROM tasks WHERE status <> 'succeeded'") == 0, TimeSpan.FromSeconds(60), "tasks not succeeded");
        var tasks = await TaskOutcomes.CountAsync(connectionString, "SELECT count(*) FROM tasks");
        var brokenStats = await StatsAsync(node, "broken");
        var healthyStats = await StatsAsync(node, "healthy");
        var failedAttempts = await TaskOutcomes.CountAsync(connectionString, "SELECT count(*) FROM events WHERE type = 'agentmesh.task.attempt_failed'");
        var declines = await TaskOutcomes.CountAsync(connectionString, "SELECT count(*) FROM events WHERE type = 'agentmesh.task.declined'");
        var declinedMetric = await TaskOutcomes.MetricAsync(node, "agentmesh_task_execution_time_seconds_count", "outcome=\"declined\"");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{tasks} tasks ({acknowledged} acknowledged); broken agent: {brokenStats["failed"]} failed attempts, {declines} declines; healthy agent: {healthyStats["completed"]} completed");

        Assert.Contains("the handler failed", broken.Output, StringComparison.Ordinal);
        Assert.Equal(0, (int)brokenStats["completed"]!);
        Assert.InRange((int)brokenStats["failed"]!, 5, 64);
        Assert.Equal(failedAttempts, (int)brokenStats["failed"]!);
        Assert.InRange(tasks, acknowledged, acknowledged + 4);
        Assert.Equal(tasks, (int)healthyStats["completed"]!);
        Assert.Equal(0, (int)healthyStats["failed"]!);
        Assert.True(declines > 0, "the broken agent never declined");
        Assert.Equal(declines, declinedMetric);
    }

    /// <summary>The agent's live figures: <c>assigned</c>, <c>completed</c>, <c>failed</c>, ….</summary>
    private static async Task<JsonObject> StatsAsync(HttpClient node, string agent) =>
        (JsonObject)(await node.GetFromJsonAsync<JsonObject>($"/v1/tenants/acme/agents/{agent}", Cancellation))!["stats"]!;
}
