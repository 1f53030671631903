using AgentMesh.Client;
using AgentMesh.TestKit.Services;

namespace AgentMesh.EndToEnd.Tests;

public class PrometheusScrapeTests
{
    private static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(20);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Prometheus_ScrapesNodeDuringWorkload_CountsEveryCompletedTaskAndKeepsLatencyHistogram()
    {
        const int Tasks = 24;
        PrometheusServer.Require();
        await using var mesh = await MeshUnderTest.StartAsync();
        await using var prometheus = await PrometheusServer.StartAsync(mesh.Url);
        var tenant = await mesh.TenantAsync();
        await mesh.AgentAsync(tenant, "echo-1", concurrency: 4);

        var submitted = new List<string>();
        for (var i = 0; i < Tasks; i++)
        {
            submitted.Add((await mesh.SubmitAsync(tenant, new { n = i, delayMs = 50 })).Task.Id);
        }

        foreach (var id in submitted)
        {
            await mesh.WaitForAsync(tenant, id, static t => t.Status == MeshTaskStatus.Succeeded);
        }

        var selector = $"tenant=\"{tenant}\",job=\"{PrometheusServer.Job}\"";
        var completed = await prometheus.WaitForAsync(
            $"agentmesh_tasks_completed_total{{{selector}}}", static answer => answer.Count == 1 && answer[0].Value == Tasks, ScrapeTimeout, Cancellation);
        var buckets = await prometheus.QueryAsync($"agentmesh_task_end_to_end_time_seconds_bucket{{{selector},outcome=\"succeeded\"}}", Cancellation);
        var up = await prometheus.QueryAsync($"up{{job=\"{PrometheusServer.Job}\"}}", Cancellation);
        var median = await prometheus.QueryAsync($"histogram_quantile(0.5, sum by (le) (agentmesh_task_end_to_end_time_seconds_bucket{{{selector}}}))", Cancellation);

        Assert.Equal(("succeeded", "echo"), (completed[0].Labels["outcome"], completed[0].Labels["type"]));
        Assert.True(buckets.Count > 2, $"expected the histogram's buckets, got {buckets.Count} series");
        Assert.Equal(Tasks, Assert.Single(buckets, b => b.Labels["le"] == "+Inf").Value);
        Assert.All(buckets, b => Assert.InRange(b.Value, 0, Tasks));
        Assert.Equal(1, Assert.Single(up).Value);
        Assert.InRange(Assert.Single(median).Value, 0.04, 60);
    }
}
