using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentMesh.TestKit.Services;
using Npgsql;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>A dependency that hangs (SIGSTOP) under a running workload, then goes on (SIGCONT).</summary>
public sealed class DependencyHangTests
{
    private const int CommitTimeoutSeconds = 2;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PostgresHangs_Answers503FastWithTheBreakerOpen_RecoversAfterResume_EveryAcknowledgedTaskEndsOnce()
    {
        await using var own = new PostgresServer();
        await own.InitializeAsync();
        var connectionString = await own.CreateDatabaseAsync();
        await using var cluster = await ClusterUnderTest.StartAsync(connectionString, nodes: 1, settings:
        [
            "--AgentMesh:Resilience:PostgresReads:Timeout", "00:00:01",
            "--AgentMesh:Resilience:PostgresReads:MaxRetries", "1",
            "--AgentMesh:Resilience:PostgresCommits:Timeout", $"00:00:0{CommitTimeoutSeconds}",
            "--AgentMesh:Resilience:PostgresCommits:MinimumThroughput", "2",
            "--AgentMesh:Resilience:PostgresReads:MinimumThroughput", "2",
            "--AgentMesh:Resilience:PostgresCommits:BreakDuration", "00:00:03",
            "--AgentMesh:Resilience:PostgresReads:BreakDuration", "00:00:03",
        ]);
        using var node = Http(cluster);
        Assert.Equal(HttpStatusCode.Created, (await node.PostAsJsonAsync("/v1/tenants", new { id = "acme", name = "Acme" }, Cancellation)).StatusCode);
        await cluster.AgentsAsync("acme", "worker", agents: 2, primary: 0, concurrency: 16);
        await using var workload = new SubmitWorkload(node, "acme", submitters: 8);
        await workload.WaitForMoreAsync(1000, TimeSpan.FromSeconds(60));

        var paused = DateTime.UtcNow;
        await own.PauseAsync();
        try
        {
            await WaitUntilAsync(() => workload.Refusals.Any(static r => r.Status == 503), TimeSpan.FromSeconds(30), "no 503 while PostgreSQL hangs");
            var firstRefusal = workload.Refusals.First(static r => r.Status == 503).At - paused;
            await WaitUntilAsync(async () => (await BreakerStatesAsync(node)).ContainsValue(1), TimeSpan.FromSeconds(30), "no breaker opened");
            using var ready = await node.GetAsync("/health/ready", Cancellation);
            var readiness = await ready.Content.ReadFromJsonAsync<JsonObject>(Cancellation);
            var started = Stopwatch.GetTimestamp();
            using var whileOpen = await node.PostAsJsonAsync("/v1/tenants/acme/tasks", new { type = "echo", input = new { }, requirements = new[] { new { capability = "echo" } } }, Cancellation);
            var openTook = Stopwatch.GetElapsedTime(started);

            // The first commit waits out its timeout and Npgsql's cancellation of the statement (2 s by default).
            Assert.InRange(firstRefusal, TimeSpan.Zero, TimeSpan.FromSeconds(CommitTimeoutSeconds + 4));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch((string)readiness!["checks"]!["breakers"]!, "^Postgres(Reads|Commits) (open|half_open)"), readiness.ToJsonString());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, whileOpen.StatusCode);
            Assert.NotNull(whileOpen.Headers.RetryAfter);
            Assert.InRange(openTook, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        }
        finally
        {
            await own.ResumeAsync();
        }

        await WaitUntilAsync(async () => (await node.GetAsync("/health/ready", Cancellation)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "not ready after PostgreSQL went on");
        await workload.WaitForMoreAsync(1000, TimeSpan.FromSeconds(60));
        await workload.StopAsync();

        var refusals = workload.Refusals.ToList();
        Assert.All(refusals, static r => Assert.True(r.Status == 503 && r.RetryAfter, $"{r.Status} (Retry-After: {r.RetryAfter}): {r.Body}"));
        await TaskOutcomes.AssertEverySucceededOnceAsync(connectionString, [.. workload.Acknowledged], TimeSpan.FromSeconds(90));
        var breakers = await BreakerStatesAsync(node);

        Assert.All(breakers.Values, static state => Assert.Equal(0, state));
    }

    [Fact]
    public async Task NatsHangs_OutboxGrowsWhileTheApiGoesOn_DrainsAfterResume_JetStreamHoldsEveryEventOnce()
    {
        await using var nats = await NatsServerFixture.StartNewAsync();
        await using var own = new PostgresServer();
        await own.InitializeAsync();
        var connectionString = await own.CreateDatabaseAsync();
        await using var cluster = await ClusterUnderTest.StartAsync(connectionString, nodes: 1, natsUrl: nats.Url, settings:
        [
            "--AgentMesh:Nats:PublishTimeout", "00:00:01",
        ]);
        using var node = Http(cluster);
        Assert.Equal(HttpStatusCode.Created, (await node.PostAsJsonAsync("/v1/tenants", new { id = "acme", name = "Acme" }, Cancellation)).StatusCode);
        await cluster.AgentsAsync("acme", "worker", agents: 2, primary: 0, concurrency: 16);
        await using var workload = new SubmitWorkload(node, "acme", submitters: 4);
        await workload.WaitForMoreAsync(500, TimeSpan.FromSeconds(60));

        await nats.PauseAsync();
        long lagWhilePaused;
        try
        {
            await workload.WaitForMoreAsync(1000, TimeSpan.FromSeconds(60));
            await WaitUntilAsync(async () => await OutboxLagAsync(node) > 1000, TimeSpan.FromSeconds(30), "the outbox lag did not rise");
            lagWhilePaused = await OutboxLagAsync(node);
            using var ready = await node.GetAsync("/health/ready", Cancellation);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            await WaitUntilAsync(async () => await ReadyCheckAsync(node, "nats") == "degraded", TimeSpan.FromSeconds(30), "readiness did not show the NATS relay degraded");
        }
        finally
        {
            await nats.ResumeAsync();
        }

        await workload.WaitForMoreAsync(500, TimeSpan.FromSeconds(60));
        await workload.StopAsync();
        var acknowledged = workload.Acknowledged.Select(Guid.Parse).ToArray();
        await WaitUntilAsync(async () => await TaskOutcomes.UnfinishedAsync(connectionString, acknowledged) == 0, TimeSpan.FromSeconds(90), "acknowledged tasks still unfinished");
        var taskEvents = await EventIdsAsync(connectionString, acknowledged);
        await WaitUntilAsync(async () => await OutboxLagAsync(node) == 0, TimeSpan.FromSeconds(60), "the outbox did not drain");
        Assert.Equal("healthy", await ReadyCheckAsync(node, "nats"));

        await using var reader = new JetStreamReader(nats.Url);
        var published = (await reader.ReadAllAsync(acknowledge: false)).Select(static m => m.Id).ToList();

        Assert.True(lagWhilePaused > 1000, $"lag while paused: {lagWhilePaused}");
        Assert.Empty(workload.Refusals);
        Assert.Equal(published.Count, published.Distinct().Count());
        Assert.Subset(published.ToHashSet(), taskEvents.ToHashSet());
        Assert.Equal(acknowledged.Length, await TaskOutcomes.CountAsync(connectionString, "SELECT count(*) FROM tasks WHERE id = ANY($1) AND status = 'succeeded'", acknowledged));
    }

    private static async Task<List<string>> EventIdsAsync(string connectionString, Guid[] tasks)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.AsSuperuser(connectionString));
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand("SELECT id FROM events WHERE task_id = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tasks });
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        while (await reader.ReadAsync(Cancellation))
        {
            ids.Add(reader.GetGuid(0).ToString());
        }

        return ids;
    }

    /// <summary>One check of a <c>/health/ready</c> answer, e.g. <c>nats</c>.</summary>
    private static async Task<string?> ReadyCheckAsync(HttpClient node, string check)
    {
        using var ready = await node.GetAsync("/health/ready", Cancellation);
        return (string?)JsonNode.Parse(await ready.Content.ReadAsStringAsync(Cancellation))?["checks"]?[check];
    }

    /// <summary>The <c>agentmesh_outbox_lag</c> gauge from <c>/metrics</c>.</summary>
    private static async Task<long> OutboxLagAsync(HttpClient node) => (long)await TaskOutcomes.MetricAsync(node, "agentmesh_outbox_lag");

    internal static HttpClient Http(ClusterUnderTest cluster)
    {
        var http = new HttpClient { BaseAddress = cluster.Urls[0], Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", cluster.AdminKey);
        return http;
    }

    /// <summary>The <c>agentmesh_breaker_state</c> gauge by dependency, from <c>/metrics</c>.</summary>
    internal static async Task<Dictionary<string, int>> BreakerStatesAsync(HttpClient node)
    {
        var states = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in (await node.GetStringAsync("/metrics", Cancellation)).Split('\n'))
        {
            if (!line.StartsWith("agentmesh_breaker_state{", StringComparison.Ordinal))
            {
                continue;
            }

            var at = line.IndexOf("dependency=\"", StringComparison.Ordinal) + "dependency=\"".Length;
            var name = line[at..line.IndexOf('"', at)];
            var value = line[(line.IndexOf('}', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0];
            states[name] = (int)double.Parse(value, CultureInfo.InvariantCulture);
        }

        return states;
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within, string failure)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < within, $"{failure} after {within.TotalSeconds} s");
            await Task.Delay(100, Cancellation);
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan within, string failure) =>
        WaitUntilAsync(() => Task.FromResult(condition()), within, failure);
}
