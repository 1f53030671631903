using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentMesh.TestKit.Services;

namespace AgentMesh.EndToEnd.Tests;

public sealed partial class ClusterCacheTests(PostgresServer postgres)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RetriedDeadLetteredTask_ReadOnEveryLeaderAfterFailovers_ShowsTheNewStateAndFinalTasksComeFromRedis()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var cluster = await ClusterUnderTest.StartAsync(
            await postgres.CreateDatabaseAsync(),
            nodes: 2,
            settings: ["--redis", redis.ConnectionString, "--AgentMesh:Cache:WarmTasks", "0"]);
        string succeeded;
        string deadLettered;
        using (var a = Http(cluster, 0))
        {
            Assert.Equal(HttpStatusCode.Created, (await a.PostAsJsonAsync("/v1/tenants", new { id = "acme", name = "Acme" }, Cancellation)).StatusCode);
            await RegisterAsync(a);
            succeeded = await SubmitAsync(a, maxAttempts: 4);
            await Expect(await CompleteAsync(a, await TakeAsync(a)), HttpStatusCode.OK);
            deadLettered = await SubmitAsync(a, maxAttempts: 1);
            var failed = await Expect(await FailAsync(a, await TakeAsync(a)), HttpStatusCode.OK);
            Assert.Equal("dead_lettered", (string)failed["status"]!);

            Assert.Equal("succeeded", await StatusAsync(a, succeeded));
            Assert.Equal("dead_lettered", await StatusAsync(a, deadLettered));
            Assert.Equal("dead_lettered", await StatusAsync(a, deadLettered));
            Assert.Equal((1, 2), await CountersAsync(a));
        }

        cluster.Kill(0);
        using (var b = Http(cluster, 1))
        {
            await LeadsAsync(b);

            // The node's first Redis read may miss its 100 ms deadline (a cold process) and leave Redis alone for a second.
            Assert.Equal("dead_lettered", await StatusAsync(b, deadLettered));
            await Task.Delay(1500, Cancellation);
            Assert.Equal((0, 1), await CountersAsync(b));
            Assert.Equal("succeeded", await StatusAsync(b, succeeded));
            Assert.Equal((1, 1), await CountersAsync(b));

            await Expect(await b.PostAsync(new Uri($"/v1/tenants/acme/tasks/{deadLettered}/retry", UriKind.Relative), null, Cancellation), HttpStatusCode.OK);
            await Expect(await CompleteAsync(b, await TakeAsync(b)), HttpStatusCode.OK);
            Assert.Equal("succeeded", await StatusAsync(b, deadLettered));
        }

        await cluster.StartNodeAsync(0);
        cluster.Kill(1);
        using var restarted = Http(cluster, 0);
        await LeadsAsync(restarted);

        Assert.Equal("succeeded", await StatusAsync(restarted, deadLettered));
        await Task.Delay(1500, Cancellation);
        var (hits, misses) = await CountersAsync(restarted);
        Assert.Equal("succeeded", await StatusAsync(restarted, succeeded));
        Assert.Equal((hits + 1, misses), await CountersAsync(restarted));
    }

    private static async Task RegisterAsync(HttpClient node) =>
        await Expect(
            await node.PutAsJsonAsync("/v1/tenants/acme/agents/agent-1", new { name = "agent-1", capabilities = new[] { new { name = "work", level = 4 } }, maxConcurrency = 1 }, Cancellation),
            HttpStatusCode.Created);

    private static async Task<string> SubmitAsync(HttpClient node, int maxAttempts) =>
        (string)(await Expect(await node.PostAsJsonAsync("/v1/tenants/acme/tasks", new { type = "work", input = new { n = 1 }, maxAttempts }, Cancellation), HttpStatusCode.Created))["id"]!;

    private static async Task<JsonObject> TakeAsync(HttpClient node)
    {
        var poll = await Expect(await node.PostAsJsonAsync("/v1/tenants/acme/agents/agent-1/poll", new { max = 1, waitSeconds = 10 }, Cancellation), HttpStatusCode.OK);
        var assignments = poll["assignments"]!.AsArray();
        Assert.True(assignments.Count > 0, $"no task for agent-1: {poll}");
        return assignments[0]!.AsObject();
    }

    private static Task<HttpResponseMessage> CompleteAsync(HttpClient node, JsonObject assignment) =>
        node.PostAsJsonAsync($"/v1/tenants/acme/tasks/{assignment["taskId"]}/complete", new { leaseToken = (string)assignment["leaseToken"]!, output = new { ok = true } }, Cancellation);

    private static Task<HttpResponseMessage> FailAsync(HttpClient node, JsonObject assignment) =>
        node.PostAsJsonAsync($"/v1/tenants/acme/tasks/{assignment["taskId"]}/fail", new { leaseToken = (string)assignment["leaseToken"]!, error = new { code = "boom", message = "it broke" }, retryable = true }, Cancellation);

    private static async Task<string> StatusAsync(HttpClient node, string id) =>
        (string)(await Expect(await node.GetAsync($"/v1/tenants/acme/tasks/{id}", Cancellation), HttpStatusCode.OK))["status"]!;

    private static async Task LeadsAsync(HttpClient node)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await node.GetAsync("/health/ready", Cancellation);
            if (response.IsSuccessStatusCode && (string?)(await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["checks"]?["cluster"] == "leader")
            {
                return;
            }

            await Task.Delay(200, Cancellation);
        }

        Assert.Fail("the node did not take the lead within 30 s");
    }

    /// <summary>This node's read-cache hits and misses of tasks, from its own <c>/metrics</c>.</summary>
    private static async Task<(int Hits, int Misses)> CountersAsync(HttpClient node)
    {
        var text = await node.GetStringAsync("/metrics", Cancellation);
        return (Sample(text, "agentmesh_cache_hits_total"), Sample(text, "agentmesh_cache_misses_total"));
    }

    private static int Sample(string text, string name)
    {
        var match = Regex.Match(text, $@"(?m)^{name}\{{[^}}]*kind=""task""[^}}]*\}} (\S+)");
        Assert.True(match.Success, $"{name} is not on /metrics");
        return (int)double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task<JsonObject> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private static HttpClient Http(ClusterUnderTest cluster, int node)
    {
        var http = new HttpClient { BaseAddress = cluster.Urls[node], Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", cluster.AdminKey);
        return http;
    }
}
