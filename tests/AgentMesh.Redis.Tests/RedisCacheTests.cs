using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentMesh.Caching;
using AgentMesh.Redis.Caching;
using AgentMesh.TestKit;
using AgentMesh.TestKit.Services;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Redis.Tests;

public sealed class RedisCacheTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task GetTask_RedisFrozenWhileReading_AnswersQuicklyFromMemoryAndStoreThenUsesRedisAgain()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var node = await NodeWithAgentAsync(redis);
        var cached = await SucceededAsync(node);
        var uncached = await SucceededAsync(node);
        Assert.Equal("succeeded", await StatusAsync(node, cached));
        await Eventually.TrueAsync(() => InRedis(node, cached), "the finished task was written to Redis");

        redis.Pause();
        var started = Stopwatch.GetTimestamp();
        var fromMemory = await StatusAsync(node, cached);
        var fromStore = await StatusAsync(node, uncached);
        var again = await StatusAsync(node, uncached);
        var waited = Stopwatch.GetElapsedTime(started);
        using var ready = await node.GetAnonymousAsync("/health/ready");
        var detail = await node.HealthDetailAsync();
        redis.Resume();

        Assert.Equal("succeeded", fromMemory);
        Assert.Equal("succeeded", fromStore);
        Assert.Equal("succeeded", again);
        Assert.True(waited < TimeSpan.FromSeconds(2), $"three reads took {waited.TotalMilliseconds} ms while Redis was frozen");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("memory+redis", (string)detail["cache"]!["levels"]!);
        Assert.Equal("unavailable", (string)detail["cache"]!["redis"]!);
        await Eventually.TrueAsync(() => ReadIsWrittenToRedisAsync(node), "a finished task read after Redis resumed was written to Redis");
        Assert.Equal("available", (string)(await node.HealthDetailAsync())["cache"]!["redis"]!);
    }

    [Fact]
    public async Task GetTask_RedisStopped_AnswersFromMemoryAndStoreThenUsesRedisAgainAfterStart()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var node = await NodeWithAgentAsync(redis);
        var cached = await SucceededAsync(node);
        var uncached = await SucceededAsync(node);
        Assert.Equal("succeeded", await StatusAsync(node, cached));

        await redis.StopAsync();
        await Eventually.TrueAsync(() => !node.Services.GetRequiredService<RedisConnection>().IsConnected, "the connection noticed Redis stopped");
        var started = Stopwatch.GetTimestamp();
        var fromMemory = await StatusAsync(node, cached);
        var fromStore = await StatusAsync(node, uncached);
        var waited = Stopwatch.GetElapsedTime(started);
        await redis.StartAsync();

        Assert.Equal("succeeded", fromMemory);
        Assert.Equal("succeeded", fromStore);
        Assert.True(waited < TimeSpan.FromSeconds(2), $"two reads took {waited.TotalMilliseconds} ms while Redis was down");
        await Eventually.TrueAsync(() => ReadIsWrittenToRedisAsync(node), "a finished task read after Redis started was written to Redis");
    }

    /// <summary>
    /// Whether a newly finished task, read once, lands in Redis: Redis is asked again by the next read that misses memory
    /// once the breaker lets calls through (one read during the break stays in memory only, so each try takes a new task).
    /// </summary>
    private static async Task<bool> ReadIsWrittenToRedisAsync(RedisNode node)
    {
        var next = await SucceededAsync(node);
        return await StatusAsync(node, next) == "succeeded" && InRedis(node, next);
    }

    private static bool InRedis(RedisNode node, string id)
    {
        var cache = node.Services.GetRequiredService<RedisDistributedCache>();
        var database = node.Services.GetRequiredService<RedisConnection>().Database;
        return database is not null && database.KeyExists(cache.RedisKey(FinishedTaskCache.Key("acme", Guid.Parse(id))));
    }

    /// <summary>A node on <paramref name="redis"/> with tenant <c>acme</c> and its agent <c>agent-1</c> registered.</summary>
    private async Task<RedisNode> NodeWithAgentAsync(RedisServer redis)
    {
        var node = await RedisNode.StartAsync(redis, _prefix);
        await node.CreateTenantAsync("acme", 1000);
        (await node.Admin.PutAsJsonAsync("/v1/tenants/acme/agents/agent-1", new { name = "agent-1", capabilities = new[] { new { name = "work", level = 4 } }, maxConcurrency = 1 }, Cancellation))
            .EnsureSuccessStatusCode();
        return node;
    }

    private static async Task<string> SucceededAsync(RedisNode node)
    {
        var submitted = await ReadAsync(await node.Admin.PostAsJsonAsync("/v1/tenants/acme/tasks", new { type = "work", input = new { n = 1 } }, Cancellation));
        var poll = await ReadAsync(await node.Admin.PostAsJsonAsync("/v1/tenants/acme/agents/agent-1/poll", new { max = 1, waitSeconds = 10 }, Cancellation));
        var assignment = poll["assignments"]!.AsArray()[0]!;
        await ReadAsync(await node.Admin.PostAsJsonAsync(
            $"/v1/tenants/acme/tasks/{assignment["taskId"]}/complete", new { leaseToken = (string)assignment["leaseToken"]!, output = new { ok = true } }, Cancellation));
        return (string)submitted["id"]!;
    }

    private static async Task<string> StatusAsync(RedisNode node, string id) =>
        (string)(await ReadAsync(await node.Admin.GetAsync(new Uri($"/v1/tenants/acme/tasks/{id}", UriKind.Relative), Cancellation)))["status"]!;

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
