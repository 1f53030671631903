using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentMesh.TestKit.Services;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>Redis, which holds the shared rate limits, frozen and then crashed under a running workload: its breaker opens, the node limits locally and stays ready.</summary>
public sealed class RedisFaultTests(PostgresServer postgres)
{
    private const string LocalDecisions = "agentmesh_rate_limit_local_decisions_total";
    private const string BreakerTransitions = "agentmesh_breaker_transitions_total";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RedisFrozenThenKilled_RequestsGoOnLimitedLocallyAndReady_SharedAgainAfter_EveryAcknowledgedTaskSucceedsOnce()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var cluster = await ClusterUnderTest.StartAsync(connectionString, nodes: 1, settings:
        [
            "--redis", redis.ConnectionString + ",connectRetry=1",
            "--AgentMesh:RateLimits:Enabled", "true",

            // High enough that the workload is never refused: every request is still a decision, by Redis or by the node.
            "--AgentMesh:RateLimits:PerKeyRequestsPerSecond", "100000",
            "--AgentMesh:Resilience:Redis:BreakDuration", "00:00:00.500",
            "--AgentMesh:Redis:ConnectTimeout", "00:00:01",
        ]);
        using var node = DependencyHangTests.Http(cluster);
        Assert.Equal(HttpStatusCode.Created, (await node.PostAsJsonAsync("/v1/tenants", new { id = "acme", name = "Acme" }, Cancellation)).StatusCode);
        await cluster.AgentsAsync("acme", "worker", agents: 2, primary: 0, concurrency: 16);
        await using var workload = new SubmitWorkload(node, "acme", submitters: 4);
        await workload.WaitForMoreAsync(500, TimeSpan.FromSeconds(60));
        var sharedAtFirst = await RateLimitsAsync(node);
        var keysAtFirst = await redis.KeyCountAsync();

        var frozen = await WhileFaultyAsync(node, workload, redis.Pause, () =>
        {
            redis.Resume();
            return Task.CompletedTask;
        });
        await DependencyHangTests.WaitUntilAsync(async () => await RateLimitsAsync(node) == "shared", TimeSpan.FromSeconds(30), "rate limits not shared after Redis went on");
        await workload.WaitForMoreAsync(500, TimeSpan.FromSeconds(60));

        var killed = await WhileFaultyAsync(node, workload, redis.Kill, redis.StartAsync);
        await DependencyHangTests.WaitUntilAsync(async () => await RateLimitsAsync(node) == "shared", TimeSpan.FromSeconds(30), "rate limits not shared after Redis restarted");
        await workload.WaitForMoreAsync(500, TimeSpan.FromSeconds(60));
        var keysAfterRestart = await redis.KeyCountAsync();
        var (readyAtEnd, redisCheckAtEnd, _) = await ReadyAsync(node);
        var breakerAtEnd = (await DependencyHangTests.BreakerStatesAsync(node))["Redis"];
        await workload.StopAsync();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{workload.Acknowledged.Count} tasks acknowledged; local decisions: {frozen.LocalDecisions} while frozen, {killed.LocalDecisions} while down; keys in Redis: {keysAtFirst} before, {keysAfterRestart} after the restart");

        Assert.Equal("shared", sharedAtFirst);
        Assert.True(keysAtFirst > 0, "no bucket in Redis while it was up");
        Assert.True(frozen.LocalDecisions > 0, "no local decision while Redis was frozen");
        Assert.Equal(("local", HttpStatusCode.OK, "degraded"), (frozen.RateLimits, frozen.Ready, frozen.RedisCheck));
        Assert.True(frozen.BreakerOpenings > 0, "the Redis breaker did not open while Redis was frozen");
        Assert.Matches("^Redis (open|half_open)$", frozen.Breakers);
        Assert.True(killed.LocalDecisions > 0, "no local decision while Redis was down");
        Assert.Equal(("local", HttpStatusCode.OK, "degraded"), (killed.RateLimits, killed.Ready, killed.RedisCheck));
        Assert.True(killed.BreakerOpenings > 0, "the Redis breaker did not open while Redis was down");
        Assert.Matches("^Redis (open|half_open)$", killed.Breakers);
        Assert.Equal(0, breakerAtEnd);

        // The restarted server lost every key (SIGKILL, no persistence): buckets there again are the node sharing again.
        Assert.True(keysAfterRestart > 0, "no bucket in Redis after it restarted");
        Assert.Equal((HttpStatusCode.OK, "healthy"), (readyAtEnd, redisCheckAtEnd));
        Assert.Empty(workload.Refusals.Select(static r => $"{r.Status}: {r.Body}"));
        await TaskOutcomes.AssertEverySucceededOnceAsync(connectionString, [.. workload.Acknowledged], TimeSpan.FromSeconds(90));
    }

    /// <summary>
    /// Brings the fault about, lets at least 3 s pass and 500 more tasks be acknowledged meanwhile, and answers the local decisions and
    /// openings of the Redis breaker counted meanwhile and what the node reports at the end; then ends the fault.
    /// </summary>
    private static async Task<Degraded> WhileFaultyAsync(HttpClient node, SubmitWorkload workload, Action fault, Func<Task> end)
    {
        fault();
        try
        {
            var before = await TaskOutcomes.MetricAsync(node, LocalDecisions);
            var openingsBefore = await TaskOutcomes.MetricAsync(node, BreakerTransitions, "dependency=\"Redis\"", "state=\"open\"");
            var lasting = Task.Delay(TimeSpan.FromSeconds(3), Cancellation);
            await workload.WaitForMoreAsync(500, TimeSpan.FromSeconds(60));
            await lasting;
            var local = await TaskOutcomes.MetricAsync(node, LocalDecisions) - before;
            var openings = await TaskOutcomes.MetricAsync(node, BreakerTransitions, "dependency=\"Redis\"", "state=\"open\"") - openingsBefore;
            var (ready, redisCheck, breakers) = await ReadyAsync(node);
            return new Degraded(local, openings, await RateLimitsAsync(node), ready, redisCheck, breakers);
        }
        finally
        {
            await end();
        }
    }

    /// <summary><c>/health/detail</c>'s <c>redis.rateLimits</c>: <c>shared</c> or <c>local</c>.</summary>
    private static async Task<string> RateLimitsAsync(HttpClient node)
    {
        var detail = await node.GetFromJsonAsync<JsonObject>("/health/detail", Cancellation);
        return (string)detail!["redis"]!["rateLimits"]!;
    }

    /// <summary><c>/health/ready</c>'s status and its <c>redis</c> and <c>breakers</c> checks.</summary>
    private static async Task<(HttpStatusCode Status, string Redis, string Breakers)> ReadyAsync(HttpClient node)
    {
        using var ready = await node.GetAsync("/health/ready", Cancellation);
        var report = await ready.Content.ReadFromJsonAsync<JsonObject>(Cancellation);
        return (ready.StatusCode, (string)report!["checks"]!["redis"]!, (string)report["checks"]!["breakers"]!);
    }

    private sealed record Degraded(double LocalDecisions, double BreakerOpenings, string RateLimits, HttpStatusCode Ready, string RedisCheck, string Breakers);
}
