using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using AgentMesh.TestKit.Services;

namespace AgentMesh.Redis.Tests;

public sealed class SharedRateLimitTests
{
    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task Request_TwoNodesOneRedis_DrawFromOneTenantBudget()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var first = await RedisNode.StartAsync(redis, _prefix);
        await using var second = await RedisNode.StartAsync(redis, _prefix);
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        await first.CreateTenantAsync(tenant, requestsPerSecond: 1);
        await second.CreateTenantAsync(tenant, requestsPerSecond: 1);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await first.GetAsAdminAsync($"/v1/tenants/{tenant}")).StatusCode);
            statuses.Add((await second.GetAsAdminAsync($"/v1/tenants/{tenant}")).StatusCode);
        }

        // The tenant's bucket holds 2 requests; on their own, the two nodes would admit 4 of the 6.
        Assert.InRange(statuses.Count(static s => s == HttpStatusCode.OK), 2, 3);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.All(statuses, static s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
    }

    [Fact]
    public async Task Request_TwoNodesOneRedis_DrawFromOneAddressBudget()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var first = await RedisNode.StartAsync(redis, _prefix, perKeyRate: 2);
        await using var second = await RedisNode.StartAsync(redis, _prefix, perKeyRate: 2);

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            responses.Add(await first.GetAnonymousAsync("/v1/tenants"));
            responses.Add(await second.GetAnonymousAsync("/v1/tenants"));
        }

        // The address bucket holds 4 requests; on their own, the two nodes would admit all 8.
        Assert.InRange(responses.Count(static r => r.StatusCode == HttpStatusCode.Unauthorized), 4, 5);
        var refused = responses[^1];
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal("4", Header(refused, "RateLimit-Limit"));
        Assert.Equal("0", Header(refused, "RateLimit-Remaining"));
    }

    [Fact]
    public async Task Request_RedisStopped_LocalBucketsAnswer429WithoutServerErrorsThenSharedAgain()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var first = await RedisNode.StartAsync(redis, _prefix, perKeyRate: 2);
        await using var second = await RedisNode.StartAsync(redis, _prefix, perKeyRate: 2);

        await redis.StopAsync();
        var whileDown = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            whileDown.Add(await first.GetAnonymousAsync("/v1/tenants"));
        }

        var detailWhileDown = await first.HealthDetailAsync();
        var readyWhileDown = await first.GetAnonymousAsync("/health/ready");
        await redis.StartAsync();
        await WaitSharedAsync(first);
        await WaitSharedAsync(second);
        await Task.Delay(TimeSpan.FromSeconds(2.1), TestContext.Current.CancellationToken);
        var afterwards = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            afterwards.Add((await first.GetAnonymousAsync("/v1/tenants")).StatusCode);
            afterwards.Add((await second.GetAnonymousAsync("/v1/tenants")).StatusCode);
        }

        Assert.All(whileDown, static r => Assert.True(r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));
        Assert.InRange(whileDown.Count(static r => r.StatusCode == HttpStatusCode.Unauthorized), 4, 5);
        var refused = whileDown[^1];
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal("4", Header(refused, "RateLimit-Limit"));
        Assert.Equal("local", (string?)detailWhileDown["redis"]?["rateLimits"]);
        Assert.Equal(HttpStatusCode.OK, readyWhileDown.StatusCode);
        Assert.Equal("degraded", (string?)(await ReadAsync(readyWhileDown))["checks"]?["redis"]);
        Assert.InRange(afterwards.Count(static s => s == HttpStatusCode.Unauthorized), 4, 5);
        Assert.Equal(HttpStatusCode.TooManyRequests, afterwards[^1]);
    }

    [Fact]
    public async Task Request_RedisFrozen_AnsweredByLocalBucketsWithoutWaitingOnRedis()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var node = await RedisNode.StartAsync(redis, _prefix, perKeyRate: 2);
        await node.GetAnonymousAsync("/v1/tenants");

        redis.Pause();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var whileFrozen = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            whileFrozen.Add(await node.GetAnonymousAsync("/v1/tenants"));
        }

        var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        redis.Resume();

        Assert.All(whileFrozen, static r => Assert.True(r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));
        Assert.Equal(HttpStatusCode.TooManyRequests, whileFrozen[^1].StatusCode);
        Assert.True(took < TimeSpan.FromSeconds(1), $"six requests took {took.TotalMilliseconds} ms while Redis was frozen");
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
