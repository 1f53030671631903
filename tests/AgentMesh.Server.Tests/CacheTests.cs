using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace AgentMesh.Server.Tests;

[Collection(nameof(MetricsIsolation))]
public class CacheTests(CacheNodeFixture node) : IClassFixture<CacheNodeFixture>
{
    [Fact]
    public async Task GetTask_FinishedTaskReadTwice_OneMissThenOneHit()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var id = await SucceededTaskAsync(tenant);
        var (hits, misses) = await CountersAsync();
        var reads = node.Store.Reads;

        var first = await tenant.TaskAsync(id);
        var second = await tenant.TaskAsync(id);

        Assert.Equal("succeeded", (string)first["status"]!);
        Assert.Equal(first.ToJsonString(), second.ToJsonString());
        Assert.Equal(1, node.Store.Reads - reads);
        var (hitsAfter, missesAfter) = await CountersAsync();
        Assert.Equal(1, missesAfter - misses);
        Assert.Equal(1, hitsAfter - hits);
    }

    [Fact]
    public async Task GetTask_AnotherTenantsTaskId_NotFoundWithoutAHit()
    {
        var owner = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);
        var id = await SucceededTaskAsync(owner);
        await owner.TaskAsync(id);
        var (hits, _) = await CountersAsync();

        var response = await other.Http.GetPathAsync($"{other.Path}/tasks/{id}");
        var again = await other.Http.GetPathAsync($"{other.Path}/tasks/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(hits, (await CountersAsync()).Hits);
        Assert.Equal("succeeded", (string)(await owner.TaskAsync(id))["status"]!);
    }

    [Fact]
    public async Task GetTask_DeadLetteredTaskCachedThenRetriedAndCompleted_ShowsTheNewState()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var id = await DeadLetteredTaskAsync(tenant);
        Assert.Equal("dead_lettered", (string)(await tenant.TaskAsync(id))["status"]!);
        var reads = node.Store.Reads;
        Assert.Equal("dead_lettered", (string)(await tenant.TaskAsync(id))["status"]!);
        Assert.Equal(reads, node.Store.Reads);

        await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{id}/retry"));
        Assert.Contains((string)(await tenant.TaskAsync(id))["status"]!, new[] { "queued", "running" });
        await Expect.OkAsync(await tenant.CompleteAsync(await tenant.TakeAsync("agent-1")));

        Assert.Equal("succeeded", (string)(await tenant.TaskAsync(id))["status"]!);
        Assert.Equal("succeeded", (string)(await tenant.TaskAsync(id))["status"]!);
    }

    [Fact]
    public async Task GetTask_ReadInFlightWhileTheTaskIsRetriedAndCompleted_NeverServesTheDeadLetteredCopy()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var id = await DeadLetteredTaskAsync(tenant);
        var held = node.Store.HoldNextRead();
        var early = tenant.Http.GetPathAsync($"{tenant.Path}/tasks/{id}");
        await held.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{id}/retry"));
        await Expect.OkAsync(await tenant.CompleteAsync(await tenant.TakeAsync("agent-1")));
        var late = tenant.Http.GetPathAsync($"{tenant.Path}/tasks/{id}");
        await Task.Delay(200, TestContext.Current.CancellationToken);
        node.Store.Release();

        await Expect.OkAsync(await early);
        Assert.Equal("succeeded", (string)(await Expect.OkAsync(await late))["status"]!);
        Assert.Equal("succeeded", (string)(await tenant.TaskAsync(id))["status"]!);
    }

    [Fact]
    public async Task GetTask_FiftyConcurrentReadsOfAnUncachedFinishedTask_ReadTheStoreOnce()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var id = await SucceededTaskAsync(tenant);
        var reads = node.Store.Reads;
        var held = node.Store.HoldNextRead();

        var gets = Enumerable.Range(0, 50).Select(_ => tenant.Http.GetPathAsync($"{tenant.Path}/tasks/{id}")).ToList();
        await held.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        node.Store.Release();
        var bodies = await Task.WhenAll(gets.Select(static async g => (await Expect.OkAsync(await g)).ToJsonString()));

        Assert.Equal(1, node.Store.Reads - reads);
        Assert.Single(bodies.Distinct());
    }

    [Fact]
    public async Task HealthDetail_EmbeddedNode_ShowsAMemoryOnlyCache()
    {
        var detail = await Expect.OkAsync(await node.Admin.GetPathAsync("/health/detail"));

        Assert.True((bool)detail["cache"]!["enabled"]!);
        Assert.Equal("memory", (string)detail["cache"]!["levels"]!);
    }

    internal static async Task<string> SucceededTaskAsync(TenantClient tenant)
    {
        await tenant.ConnectAsync("agent-1");
        var id = (string)(await tenant.SubmitAsync())["id"]!;
        await Expect.OkAsync(await tenant.CompleteAsync(await tenant.TakeAsync("agent-1")));
        return id;
    }

    internal static async Task<string> DeadLetteredTaskAsync(TenantClient tenant)
    {
        await tenant.ConnectAsync("agent-1");
        var id = (string)(await tenant.SubmitAsync(new { type = "work", input = new { n = 1 }, maxAttempts = 1 }))["id"]!;
        var failed = await Expect.OkAsync(await tenant.FailAsync(await tenant.TakeAsync("agent-1"), retryable: true));
        Assert.Equal("dead_lettered", (string)failed["status"]!);
        return id;
    }

    private async Task<(double Hits, double Misses)> CountersAsync()
    {
        using var anonymous = node.Client(key: null);
        var text = await (await anonymous.GetPathAsync("/metrics")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (Sample(text, "agentmesh_cache_hits_total"), Sample(text, "agentmesh_cache_misses_total"));
    }

    private static double Sample(string exposition, string name)
    {
        var line = exposition.Split('\n').Single(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains("kind=\"task\"", StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}

public class UncachedTests(UncachedNodeFixture node) : IClassFixture<UncachedNodeFixture>
{
    [Fact]
    public async Task GetTask_CacheOff_EveryReadGoesToTheStoreAndRetriesShowTheNewState()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var id = await CacheTests.DeadLetteredTaskAsync(tenant);
        var reads = node.Store.Reads;
        Assert.Equal("dead_lettered", (string)(await tenant.TaskAsync(id))["status"]!);
        Assert.Equal("dead_lettered", (string)(await tenant.TaskAsync(id))["status"]!);
        Assert.Equal(2, node.Store.Reads - reads);

        await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{id}/retry"));
        await Expect.OkAsync(await tenant.CompleteAsync(await tenant.TakeAsync("agent-1")));

        Assert.Equal("succeeded", (string)(await tenant.TaskAsync(id))["status"]!);
        var detail = await Expect.OkAsync(await node.Admin.GetPathAsync("/health/detail"));
        Assert.False((bool)detail["cache"]!["enabled"]!);
        Assert.Equal("none", (string)detail["cache"]!["levels"]!);
    }
}

public class CacheWarmingTests(WarmCacheNodeFixture node) : IClassFixture<WarmCacheNodeFixture>
{
    [Fact]
    public async Task GetTask_AfterRestart_FinishedTasksAreAlreadyInMemory()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await CacheTests.SucceededTaskAsync(tenant));
        }

        await node.RestartAsync();
        using var client = node.Client(tenant.Http.DefaultRequestHeaders.Authorization!.Parameter);
        await Task.Delay(2000, TestContext.Current.CancellationToken);
        var reads = node.Store.Reads;
        var tasks = new List<JsonObject>();
        foreach (var id in ids)
        {
            tasks.Add(await Expect.OkAsync(await client.GetPathAsync($"{tenant.Path}/tasks/{id}")));
        }

        Assert.All(tasks, static t => Assert.Equal("succeeded", (string)t["status"]!));
        Assert.Equal(reads, node.Store.Reads);
    }
}

public class CacheOptionsTests
{
    [Theory]
    [InlineData("LocalExpiration", "00:00:00")]
    [InlineData("Expiration", "00:00:01")]
    [InlineData("WarmTasks", "-1")]
    public async Task Start_CacheSettingOutOfRange_FailsNamingTheSetting(string setting, string value)
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        await using var app = Hosting.AgentMeshNode.Build(["--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data, $"--AgentMesh:Cache:{setting}", value]);

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains($"AgentMesh:Cache:{setting}", error.Message, StringComparison.Ordinal);
    }
}
