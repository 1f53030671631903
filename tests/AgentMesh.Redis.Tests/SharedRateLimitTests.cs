using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using AgentMesh.TestKit;
using AgentMesh.TestKit.Services;

namespace AgentMesh.Redis.Tests;

public sealed class SharedRateLimitTests
{
    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N")[..8] + ":";

    private const string Burst6 = "6";

    [Fact]
    public async Task Request_TwoNodesOneRedis_DrawFromOneTenantBudget()
    {
        await using var redis = await RedisServer.StartNewAsync();
        string[] burst5 = ["--AgentMesh:RateLimits:TenantBurstMultiple", "5"];
        await using var first = await RedisNode.StartAsync(redis, _prefix, settings: burst5);
        await using var second = await RedisNode.StartAsync(redis, _prefix, settings: burst5);
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        await first.CreateTenantAsync(tenant, requestsPerSecond: 1);
        await second.CreateTenantAsync(tenant, requestsPerSecond: 1);

        var (responses, took) = await FloodAsync(8, () => first.GetAsAdminAsync($"/v1/tenants/{tenant}"), () => second.GetAsAdminAsync($"/v1/tenants/{tenant}"));

        // The tenant's bucket holds 5 requests and refills at 1/s; on their own, the two nodes would admit 10 of the 16.
        Assert.All(responses, static r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));
        Assert.InRange(responses.Count(static r => r.StatusCode == HttpStatusCode.OK), 5, 5 + Refilled(took, 1));
        Assert.Contains(responses.Where(static (_, i) => i % 2 == 1), static r => r.StatusCode == HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Request_TwoNodesOneRedis_DrawFromOneAddressBudget()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var first = await RedisNode.StartAsync(redis, _prefix, perKeyRate: 1, settings: ["--AgentMesh:RateLimits:PerKeyBurstMultiple", Burst6]);
        await using var second = await RedisNode.StartAsync(redis, _prefix, perKeyRate: 1, settings: ["--AgentMesh:RateLimits:PerKeyBurstMultiple", Burst6]);

        var (responses, took) = await FloodAsync(8, () => first.GetAnonymousAsync("/v1/tenants"), () => second.GetAnonymousAsync("/v1/tenants"));

        // The address bucket holds 6 requests and refills at 1/s; on their own, the two nodes would admit 12 of the 16.
        Assert.InRange(responses.Count(static r => r.StatusCode == HttpStatusCode.Unauthorized), 6, 6 + Refilled(took, 1));
        var refused = responses.First(static r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal(Burst6, Header(refused, "RateLimit-Limit"));
        Assert.Equal("0", Header(refused, "RateLimit-Remaining"));
    }

    [Fact]
    public async Task Request_RedisStopped_LocalBucketsAnswer429WithoutServerErrorsThenSharedAgain()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var first = await RedisNode.StartAsync(redis, _prefix, perKeyRate: 1, settings: ["--AgentMesh:RateLimits:PerKeyBurstMultiple", Burst6]);
        await using var second = await RedisNode.StartAsync(redis, _prefix, perKeyRate: 1, settings: ["--AgentMesh:RateLimits:PerKeyBurstMultiple", Burst6]);

        await redis.StopAsync();
        var (whileDown, tookWhileDown) = await FloodAsync(10, () => first.GetAnonymousAsync("/v1/tenants"));
        var detailWhileDown = await first.HealthDetailAsync();
        var metricsWhileDown = await (await first.GetAnonymousAsync("/metrics")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var readyWhileDown = await first.GetAnonymousAsync("/health/ready");
        await redis.StartAsync();
        await WaitSharedAsync(first);
        await WaitSharedAsync(second);
        var (afterwards, tookAfterwards) = await FloodAsync(8, () => first.GetAnonymousAsync("/v1/tenants"), () => second.GetAnonymousAsync("/v1/tenants"));

        Assert.All(whileDown, static r => Assert.True(r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));
        Assert.InRange(whileDown.Count(static r => r.StatusCode == HttpStatusCode.Unauthorized), 6, 6 + Refilled(tookWhileDown, 1));
        var refused = whileDown.First(static r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal(Burst6, Header(refused, "RateLimit-Limit"));
        Assert.Equal("local", (string?)detailWhileDown["redis"]?["rateLimits"]);
        Assert.True(LocalDecisions(metricsWhileDown, "address") >= 10, metricsWhileDown);
        Assert.Equal(HttpStatusCode.OK, readyWhileDown.StatusCode);
        Assert.Equal("degraded", (string?)(await ReadAsync(readyWhileDown))["checks"]?["redis"]);

        // Shared again: one budget of 6 for both nodes (their own buckets would admit 12).
        Assert.InRange(afterwards.Count(static r => r.StatusCode == HttpStatusCode.Unauthorized), 6, 6 + Refilled(tookAfterwards, 1));
    }

    [Fact]
    public async Task Request_RedisFrozen_AnsweredByLocalBucketsWithoutWaitingOnRedis()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var node = await RedisNode.StartAsync(redis, _prefix, perKeyRate: 1, settings: ["--AgentMesh:RateLimits:PerKeyBurstMultiple", Burst6]);
        await node.GetAnonymousAsync("/v1/tenants");

        redis.Pause();
        var (whileFrozen, took) = await FloodAsync(8, () => node.GetAnonymousAsync("/v1/tenants"));
        redis.Resume();

        // Redis's own command timeout is 1 s here: waiting on it would have taken 8 s.
        Assert.All(whileFrozen, static r => Assert.True(r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));
        Assert.Contains(whileFrozen, static r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(took < TimeSpan.FromSeconds(2.5), $"eight requests took {took.TotalMilliseconds} ms while Redis was frozen");
    }

    [Fact]
    public async Task Start_RedisDown_NodeStartsLimitsLocallyAndSharesOnceRedisComes()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await redis.StopAsync();

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var node = await RedisNode.StartAsync(redis, _prefix, perKeyRate: 2);
        var startup = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var whileDown = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            whileDown.Add((await node.GetAnonymousAsync("/v1/tenants")).StatusCode);
        }

        var ready = await node.GetAnonymousAsync("/health/ready");
        await redis.StartAsync();
        await WaitSharedAsync(node);

        Assert.True(startup < TimeSpan.FromSeconds(10), $"the node took {startup.TotalSeconds} s to start without Redis");
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], whileDown);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("degraded", (string?)(await ReadAsync(ready))["checks"]?["redis"]);
    }

    [Fact]
    public async Task HealthDetail_RedisUp_ReportsConnectedAndShared()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var node = await RedisNode.StartAsync(redis, _prefix);

        await node.GetAsAdminAsync("/v1/tenants");
        var detail = await node.HealthDetailAsync();
        var ready = await node.GetAnonymousAsync("/health/ready");

        var status = detail["redis"]!.AsObject();
        Assert.Equal("connected", (string?)status["state"]);
        Assert.Equal(redis.ConnectionString, (string?)status["endpoint"]);
        Assert.Equal("shared", (string?)status["rateLimits"]);
        Assert.True((double)status["pingMilliseconds"]! >= 0);
        Assert.Equal("healthy", (string?)(await ReadAsync(ready))["checks"]?["redis"]);
    }

    /// <summary>Sends <paramref name="rounds"/> requests through each sender in turn; returns the answers in order and the time it took.</summary>
    private static async Task<(List<HttpResponseMessage> Responses, TimeSpan Took)> FloodAsync(int rounds, params Func<Task<HttpResponseMessage>>[] senders)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < rounds; i++)
        {
            foreach (var send in senders)
            {
                responses.Add(await send());
            }
        }

        return (responses, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The most tokens a bucket refilled at <paramref name="rate"/> per second can have gained in <paramref name="took"/>.</summary>
    private static int Refilled(TimeSpan took, int rate) => (int)Math.Ceiling(took.TotalSeconds * rate);

    /// <summary><c>agentmesh_rate_limit_local_decisions_total</c> for <paramref name="limit"/> in a Prometheus scrape; 0 when absent.</summary>
    private static double LocalDecisions(string exposition, string limit) => exposition.Split('\n')
        .Where(line => line.StartsWith("agentmesh_rate_limit_local_decisions_total{", StringComparison.Ordinal) && line.Contains($"limit=\"{limit}\"", StringComparison.Ordinal))
        .Select(static line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
        .Sum();

    private static async Task WaitSharedAsync(RedisNode node) =>
        await Eventually.TrueAsync(
            async () =>
            {
                await node.GetAsAdminAsync("/v1/tenants");
                return (string?)(await node.HealthDetailAsync())["redis"]?["rateLimits"] == "shared";
            },
            "the node's rate limits were shared again");

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
