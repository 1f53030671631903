using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AgentMesh.Server.Tests;

[Collection(nameof(MetricsIsolation))]
public sealed partial class DeployAssetsTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task AlertRules_Promtool_ChecksAndUnitTestsPass()
    {
        var promtool = Promtool();
        var rules = Path.Combine(RepositoryRoot(), "deploy", "prometheus");

        var (checkCode, checkOutput) = await RunAsync(promtool, rules, "check", "rules", "alerts.yml");
        var (testCode, testOutput) = await RunAsync(promtool, rules, "test", "rules", "alerts.test.yml");

        Assert.True(checkCode == 0, checkOutput);
        Assert.True(testCode == 0, testOutput);
    }

    [Fact]
    public async Task DashboardAndAlerts_EveryMetricName_IsExposedByTheNode()
    {
        var exposed = await ExposedSeriesAfterWorkloadAsync();
        var root = RepositoryRoot();
        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root, "deploy", "grafana", "agentmesh-dashboard.json"), TestContext.Current.CancellationToken))!;
        var queries = dashboard["panels"]!.AsArray()
            .SelectMany(static panel => panel!["targets"]!.AsArray())
            .Select(static target => (string)target!["expr"]!)
            .Append((string)dashboard["templating"]!["list"]![1]!["definition"]!)
            .ToList();
        var alerts = await File.ReadAllTextAsync(Path.Combine(root, "deploy", "prometheus", "alerts.yml"), TestContext.Current.CancellationToken);

        var dashboardNames = queries.SelectMany(static q => MetricName().Matches(q).Select(static m => m.Value)).ToHashSet(StringComparer.Ordinal);
        var alertNames = MetricName().Matches(alerts).Select(static m => m.Value).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(14, dashboard["panels"]!.AsArray().Count);
        Assert.Subset(dashboardNames, new HashSet<string>(StringComparer.Ordinal) { "agentmesh_cache_hits_total", "agentmesh_cache_misses_total", "agentmesh_tasks_completed_total", "agentmesh_task_end_to_end_time_seconds_bucket", "agentmesh_tasks_unfinished", "agentmesh_agents", "agentmesh_tasks_dead_lettered_total", "agentmesh_commit_duration_seconds_bucket" });
        exposed.UnionWith(ClusterOrAlertOnly);
        Assert.All(dashboardNames, name => Assert.True(exposed.Contains(name), $"The dashboard queries {name}, which /metrics does not expose."));
        Assert.NotEmpty(alertNames);
        Assert.All(alertNames, name => Assert.True(exposed.Contains(name), $"An alert queries {name}, which /metrics does not expose."));
    }

    /// <summary>
    /// Series an embedded node without alert webhooks never has: breaker states (pipelines guard PostgreSQL and NATS;
    /// EndToEnd DependencyHangTests reads them), the outbox lag (with NATS; Nats.Tests NodeRelayTests reads it) and
    /// delivered audit alerts (with an alert webhook), and the requests of cluster followers (EndToEnd FollowerReadTests
    /// reads them).
    /// </summary>
    private static readonly string[] ClusterOrAlertOnly =
        ["agentmesh_breaker_state", "agentmesh_outbox_lag", "agentmesh_audit_alerts_total", "agentmesh_cluster_follower_requests_total"];

    /// <summary>Series names on <c>/metrics</c> after tasks succeeded, one dead-lettered, and one waits for an agent.</summary>
    private async Task<HashSet<string>> ExposedSeriesAfterWorkloadAsync()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        await Expect.OkAsync(await tenant.CompleteAsync(await tenant.TakeAsync("agent-1")));
        await tenant.SubmitAsync(new { type = "work", input = new { }, maxAttempts = 1 });
        await Expect.OkAsync(await tenant.FailAsync(await tenant.TakeAsync("agent-1"), retryable: true));
        await tenant.SubmitAsync("nobody-does-this");

        using var anonymous = node.Client(key: null);
        var text = await (await anonymous.GetPathAsync("/metrics")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return text.Split('\n')
            .Where(static line => line.Length > 0 && line[0] != '#')
            .Select(static line => line[..line.IndexOfAny(['{', ' '])])
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>promtool from PATH. In CI its absence fails the test; elsewhere the test is skipped with the reason.</summary>
    private static string Promtool()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(static folder => Path.Combine(folder, "promtool"))
            .FirstOrDefault(File.Exists);
        if (path is not null)
        {
            return path;
        }

        const string Missing = "promtool is not on PATH; install Prometheus (Debian: apt-get install prometheus) to check deploy/prometheus/alerts.yml.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(Missing);
        }

        Assert.Skip(Missing);
        return string.Empty;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AgentMesh.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No AgentMesh.slnx above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"\bagentmesh_[a-z0-9_]+")]
    private static partial Regex MetricName();
}
