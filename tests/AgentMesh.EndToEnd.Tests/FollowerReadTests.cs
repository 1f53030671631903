using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentMesh.TestKit.Services;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>
/// A cluster follower with Redis answers task, tenant and agent reads itself, keys and agents through its cache, and
/// never takes a key whose revocation was acknowledged, nor shows an agent as it was before an acknowledged change — on
/// any node, right after, and while Redis is down.
/// </summary>
public sealed class FollowerReadTests(PostgresServer postgres)
{
    private const string NodeHeader = "X-AgentMesh-Node";

    private static readonly string[] ViewerRole = ["viewer"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Follower_AnswersReadsItself_AndRefusesEveryKeyRightAfterItsRevocationIsAcknowledged()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var cluster = await StartAsync(redis);
        using var leader = Http(cluster, 0, cluster.AdminKey);
        using var follower = Http(cluster, 1, cluster.AdminKey);

        // The follower read the directory when it started following: the bootstrap admin key, no tenant yet.
        await cluster.Nodes[1]!.WaitForLineAsync("Directory cache warmed with 1 keys and 0 tenants", TimeSpan.FromSeconds(30));
        var task = await FinishedTaskAsync(leader);
        var (hits, misses) = (await KeyReadsAsync(follower, "hits"), await KeyReadsAsync(follower, "misses"));
        using var warmed = await follower.GetAsync($"/v1/tenants/acme/tasks/{task}", Cancellation);
        Assert.Equal((hits + 1, misses), (await KeyReadsAsync(follower, "hits"), await KeyReadsAsync(follower, "misses")));

        using var fromLeader = await leader.GetAsync($"/v1/tenants/acme/tasks/{task}", Cancellation);
        using var fromFollower = await follower.GetAsync($"/v1/tenants/acme/tasks/{task}", Cancellation);
        using var tenantFromFollower = await follower.GetAsync("/v1/tenants/acme", Cancellation);
        using var listFromFollower = await follower.GetAsync("/v1/tenants/acme/tasks?status=succeeded", Cancellation);
        using var unknownTenant = await follower.GetAsync("/v1/tenants/nobody/tasks", Cancellation);
        using var writeThroughFollower = await follower.PostAsJsonAsync("/v1/tenants/acme/tasks", new { type = "work", input = new { n = 2 } }, Cancellation);

        var leaderId = Node(fromLeader);
        var followerId = Node(fromFollower);
        Assert.Equal(HttpStatusCode.OK, fromLeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromFollower.StatusCode);
        Assert.NotEqual(leaderId, followerId);
        Assert.Equal("succeeded", (string)(await fromFollower.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["status"]!);
        Assert.Equal(HttpStatusCode.OK, tenantFromFollower.StatusCode);
        Assert.Equal(followerId, Node(tenantFromFollower));
        Assert.Equal(HttpStatusCode.OK, listFromFollower.StatusCode);
        Assert.Equal(followerId, Node(listFromFollower));
        Assert.Equal(task, (string)(await listFromFollower.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["items"]!.AsArray().Single()!["id"]!);
        Assert.Equal(HttpStatusCode.NotFound, unknownTenant.StatusCode);
        Assert.Equal(followerId, Node(unknownTenant));
        Assert.Equal(HttpStatusCode.Created, writeThroughFollower.StatusCode);
        Assert.Equal(leaderId, Node(writeThroughFollower));

        // Every round: a new key works on the follower at once, is read from its cache, and fails there (and on the
        // leader) as soon as its revocation is answered — whichever node took the revocation.
        for (var round = 0; round < 12; round++)
        {
            var (id, key) = await CreateKeyAsync(leader);
            using var reader = Http(cluster, 1, key);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(reader, $"/v1/tenants/acme/tasks/{task}"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(reader, $"/v1/tenants/acme/tasks/{task}"));

            using var revoke = await (round % 2 == 0 ? leader : follower).DeleteAsync($"/v1/tenants/acme/keys/{id}", Cancellation);
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

            using var after = await reader.GetAsync($"/v1/tenants/acme/tasks/{task}", Cancellation);
            Assert.True(after.StatusCode == HttpStatusCode.Unauthorized, $"round {round}: {(int)after.StatusCode} from {Node(after)} after the revocation");
            Assert.Equal(followerId, Node(after));
            using var onLeader = Http(cluster, 0, key);
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(onLeader, $"/v1/tenants/acme/tasks/{task}"));
        }

        var metrics = await follower.GetStringAsync("/metrics", Cancellation);
        Assert.True(Counted(metrics, "agentmesh_cluster_follower_requests_total", "answered_by", "follower") >= 40, metrics);
        Assert.True(Counted(metrics, "agentmesh_cluster_follower_requests_total", "answered_by", "leader") >= 7, metrics);
        Assert.True(Sample(metrics, "agentmesh_cache_hits_total", "key") >= 12, metrics);
        Assert.True(Sample(metrics, "agentmesh_cache_misses_total", "key") >= 12, metrics);
        Assert.True(Sample(metrics, "agentmesh_cache_hits_total", "task") >= 1, metrics);
    }

    [Fact]
    public async Task ReadersOnTheFollowerDuringARevocation_NoneStartedAfterItsAcknowledgementIsLetIn()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var cluster = await StartAsync(redis);
        using var leader = Http(cluster, 0, cluster.AdminKey);
        var task = await FinishedTaskAsync(leader);

        for (var round = 0; round < 5; round++)
        {
            var (id, key) = await CreateKeyAsync(leader);
            using var reader = Http(cluster, 1, key);
            var acknowledged = long.MaxValue;
            var (admitted, refused) = (0, 0);
            var late = 0;
            using var stop = new CancellationTokenSource();
            var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    using var response = await reader.GetAsync($"/v1/tenants/acme/tasks/{task}", CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref admitted);
                        if (started > Volatile.Read(ref acknowledged))
                        {
                            Interlocked.Increment(ref late);
                        }
                    }
                    else
                    {
                        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                        Interlocked.Increment(ref refused);
                    }
                }
            })).ToArray();

            await Task.Delay(300, Cancellation);
            using (var revoke = await leader.DeleteAsync($"/v1/tenants/acme/keys/{id}", Cancellation))
            {
                Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
            }

            Volatile.Write(ref acknowledged, System.Diagnostics.Stopwatch.GetTimestamp());
            await Task.Delay(300, Cancellation);
            await stop.CancelAsync();
            await Task.WhenAll(readers);

            Assert.True(late == 0, $"round {round}: {late} requests started after the revocation was acknowledged were let in");
            Assert.True(admitted > 0 && refused > 0, $"round {round}: {admitted} admitted, {refused} refused");
        }
    }

    [Fact]
    public async Task RedisDown_FollowerForwardsAndARevocationWaitsOutTheVersion_ThenTheFollowerAnswersAgain()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var cluster = await StartAsync(redis);
        using var leader = Http(cluster, 0, cluster.AdminKey);
        using var follower = Http(cluster, 1, cluster.AdminKey);
        var task = await FinishedTaskAsync(leader);
        var (id, key) = await CreateKeyAsync(leader);
        using var reader = Http(cluster, 1, key);
        using var before = await reader.GetAsync($"/v1/tenants/acme/tasks/{task}", Cancellation);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var followerId = Node(before);

        await redis.StopAsync();
        using var whileDown = await reader.GetAsync($"/v1/tenants/acme/tasks/{task}", Cancellation);
        Assert.Equal(HttpStatusCode.OK, whileDown.StatusCode);
        Assert.NotEqual(followerId, Node(whileDown));

        // The leader cannot publish a new version: it answers once the last one has expired (a lease, 3 s here).
        var started = DateTime.UtcNow;
        using var revoke = await follower.DeleteAsync($"/v1/tenants/acme/keys/{id}", Cancellation);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the revocation took longer than its bound");
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(reader, $"/v1/tenants/acme/tasks/{task}"));

        await redis.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? answeredBy = null;
        while (DateTime.UtcNow < deadline && answeredBy != followerId)
        {
            await Task.Delay(250, Cancellation);
            using var again = await follower.GetAsync($"/v1/tenants/acme/tasks/{task}", Cancellation);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            answeredBy = Node(again);
        }

        Assert.Equal(followerId, answeredBy);
        using var revoked = await reader.GetAsync($"/v1/tenants/acme/tasks/{task}", Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal(followerId, Node(revoked));
    }

    [Fact]
    public async Task Follower_AnswersAgentReadsFromItsCache_AndNeverStaleAfterAnAgentChangeIsAcknowledged()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var cluster = await StartAsync(redis);
        using var leader = Http(cluster, 0, cluster.AdminKey);
        using var follower = Http(cluster, 1, cluster.AdminKey);
        await FinishedTaskAsync(leader);
        const string Agent = "/v1/tenants/acme/agents/agent-1";

        using var first = await follower.GetAsync(Agent, Cancellation);
        var (hits, misses) = (await AgentReadsAsync(follower, "hits"), await AgentReadsAsync(follower, "misses"));
        using var second = await follower.GetAsync(Agent, Cancellation);
        var afterSecond = (await AgentReadsAsync(follower, "hits"), await AgentReadsAsync(follower, "misses"));
        using var conditional = new HttpRequestMessage(HttpMethod.Get, Agent);
        conditional.Headers.IfNoneMatch.Add(second.Headers.ETag!);
        using var notModified = await follower.SendAsync(conditional, Cancellation);
        using var page = await follower.GetAsync("/v1/tenants/acme/agents?capability=work", Cancellation);
        using var unknown = await follower.GetAsync("/v1/tenants/acme/agents/nobody", Cancellation);
        using var fromLeader = await leader.GetAsync(Agent, Cancellation);

        var followerId = Node(first);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(Node(fromLeader), followerId);
        Assert.Equal("agent-1", (string)(await second.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["id"]!);
        Assert.Equal(followerId, Node(second));
        Assert.Equal((hits + 1, misses), afterSecond);
        Assert.Equal(fromLeader.Headers.ETag, second.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(followerId, Node(page));
        Assert.Equal("agent-1", (string)(await page.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["items"]!.AsArray().Single()!["id"]!);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        // Every round: the follower has the agent (and its page) cached, a change is made through either node, and the
        // very next read on the follower shows it.
        for (var round = 0; round < 10; round++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(follower, Agent));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(follower, "/v1/tenants/acme/agents"));
            var through = round % 2 == 0 ? leader : follower;
            string expected;
            if (round % 3 == 2)
            {
                await Expect(
                    await through.PutAsJsonAsync(Agent, new { name = "agent-1", capabilities = new[] { new { name = "work", level = 4 } }, metadata = new { round = $"{round}" } }, Cancellation),
                    HttpStatusCode.OK);
                expected = $"metadata {round}";
            }
            else
            {
                var action = round % 3 == 0 ? "pause" : "resume";
                await Expect(await through.PostAsync($"{Agent}/{action}", null, Cancellation), HttpStatusCode.OK);
                expected = action == "pause" ? "paused" : "not paused";
            }

            var agent = await Expect(await follower.GetAsync(Agent, Cancellation), HttpStatusCode.OK);
            var listed = (await Expect(await follower.GetAsync("/v1/tenants/acme/agents", Cancellation), HttpStatusCode.OK))["items"]!.AsArray().Single()!.AsObject();
            foreach (var seen in (JsonObject[])[agent, listed])
            {
                var status = (string)seen["status"]!;
                var matches = expected switch
                {
                    "paused" => status == "paused",
                    "not paused" => status != "paused",
                    _ => (string?)seen["metadata"]?["round"] == $"{round}",
                };
                Assert.True(matches, $"round {round}: expected {expected}, the follower answered {seen.ToJsonString()}");
            }
        }

        Assert.True(await AgentReadsAsync(follower, "hits") >= 12);
    }

    /// <summary>Two nodes with Redis, rate limits on; returns once node 1 follows.</summary>
    private async Task<ClusterUnderTest> StartAsync(RedisServer redis)
    {
        var cluster = await ClusterUnderTest.StartAsync(
            await postgres.CreateDatabaseAsync(),
            nodes: 2,
            settings: ["--redis", redis.ConnectionString, "--AgentMesh:RateLimits:Enabled", "true"]);
        using var follower = Http(cluster, 1, cluster.AdminKey);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var ready = await follower.GetAsync("/health/ready", Cancellation);
            if (ready.IsSuccessStatusCode && ((string?)(await ready.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["checks"]?["cluster"])?.StartsWith("following", StringComparison.Ordinal) == true)
            {
                return cluster;
            }

            await Task.Delay(200, Cancellation);
        }

        await cluster.DisposeAsync();
        throw new InvalidOperationException("node 1 did not follow within 30 s");
    }

    /// <summary>Tenant acme with one succeeded task, run by the test as its agent; the task's id.</summary>
    private static async Task<string> FinishedTaskAsync(HttpClient leader)
    {
        await Expect(await leader.PostAsJsonAsync("/v1/tenants", new { id = "acme", name = "Acme" }, Cancellation), HttpStatusCode.Created);
        await Expect(
            await leader.PutAsJsonAsync("/v1/tenants/acme/agents/agent-1", new { name = "agent-1", capabilities = new[] { new { name = "work", level = 4 } }, maxConcurrency = 1 }, Cancellation),
            HttpStatusCode.Created);
        var id = (string)(await Expect(await leader.PostAsJsonAsync("/v1/tenants/acme/tasks", new { type = "work", input = new { n = 1 } }, Cancellation), HttpStatusCode.Created))["id"]!;
        var poll = await Expect(await leader.PostAsJsonAsync("/v1/tenants/acme/agents/agent-1/poll", new { max = 1, waitSeconds = 10 }, Cancellation), HttpStatusCode.OK);
        var assignment = poll["assignments"]!.AsArray()[0]!.AsObject();
        Assert.Equal(id, (string)assignment["taskId"]!);
        await Expect(
            await leader.PostAsJsonAsync($"/v1/tenants/acme/tasks/{id}/complete", new { leaseToken = (string)assignment["leaseToken"]!, output = new { ok = true } }, Cancellation),
            HttpStatusCode.OK);
        return id;
    }

    private static async Task<(string Id, string Key)> CreateKeyAsync(HttpClient node)
    {
        var created = await Expect(await node.PostAsJsonAsync("/v1/tenants/acme/keys", new { name = "reader", roles = ViewerRole }, Cancellation), HttpStatusCode.Created);
        return ((string)created["id"]!, (string)created["key"]!);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient node, string path)
    {
        using var response = await node.GetAsync(path, Cancellation);
        return response.StatusCode;
    }

    private static string? Node(HttpResponseMessage response) =>
        response.Headers.TryGetValues(NodeHeader, out var values) ? values.Single() : null;

    private static Task<int> KeyReadsAsync(HttpClient node, string counter) => CacheReadsAsync(node, counter, "key");

    private static Task<int> AgentReadsAsync(HttpClient node, string counter) => CacheReadsAsync(node, counter, "agent");

    private static async Task<int> CacheReadsAsync(HttpClient node, string counter, string kind) =>
        Sample(await node.GetStringAsync("/metrics", Cancellation), $"agentmesh_cache_{counter}_total", kind);

    private static int Sample(string text, string name, string kind) => Counted(text, name, "kind", kind);

    private static int Counted(string text, string name, string label, string value)
    {
        var match = Regex.Match(text, $@"(?m)^{name}\{{[^}}]*{label}=""{value}""[^}}]*\}} (\S+)");
        Assert.True(match.Success, $"{name} with {label}={value} is not on /metrics");
        return (int)double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task<JsonObject> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Cancellation);
            Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
            return JsonNode.Parse(body)!.AsObject();
        }
    }

    private static HttpClient Http(ClusterUnderTest cluster, int node, string key)
    {
        var http = new HttpClient { BaseAddress = cluster.Urls[node], Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }
}
