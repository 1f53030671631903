using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentMesh.TestKit.Services;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>The audit log of a cluster: every node's chain in the shared database, read, verified and erased from any node.</summary>
public sealed class ClusterAuditTests(PostgresServer postgres)
{
    private static readonly string[] Viewer = ["viewer"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LeaderKilled_NewLeaderSeesBothChainsVerifiesThemAndErasesASubjectOfTheOldOne()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var cluster = await ClusterUnderTest.StartAsync(connectionString, nodes: 2);
        using var follower = Http(cluster, 1, cluster.AdminKey);
        Assert.Equal(HttpStatusCode.Created, (await follower.PostAsJsonAsync("/v1/tenants", new { id = "acme", name = "Acme" }, Cancellation)).StatusCode);
        var key = (await (await follower.PostAsJsonAsync("/v1/tenants/acme/keys", new { name = "leaver", roles = Viewer }, Cancellation)).Content.ReadFromJsonAsync<JsonObject>(Cancellation))!;
        var keyId = (string)key["id"]!;
        using (var leaver = Http(cluster, 1, (string)key["key"]!))
        {
            Assert.Equal(HttpStatusCode.OK, (await leaver.GetAsync("/v1/tenants/acme/tasks?owner=leaver@example.com", Cancellation)).StatusCode);
        }

        // Audit entries are written behind the answer; the old leader's must be stored before it dies.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await ItemsAsync(follower, $"/v1/audit/entries?actor={keyId}")).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Cancellation);
        }

        cluster.Kill(0);
        deadline = DateTime.UtcNow.AddSeconds(30);
        HttpResponseMessage created;
        while ((created = await follower.PostAsJsonAsync("/v1/tenants", new { id = "globex", name = "Globex" }, Cancellation)).StatusCode != HttpStatusCode.Created && DateTime.UtcNow < deadline)
        {
            created.Dispose();
            await Task.Delay(200, Cancellation);
        }

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        created.Dispose();
        var erasure = (await (await follower.PostAsJsonAsync("/v1/audit/erasures", new { subject = keyId }, Cancellation)).Content.ReadFromJsonAsync<JsonObject>(Cancellation))!;
        var tenants = await ItemsAsync(follower, "/v1/audit/entries?action=tenant.create");
        var leaverEntries = await ItemsAsync(follower, $"/v1/audit/entries?actor={keyId}");
        var verify = (await follower.GetFromJsonAsync<JsonObject>("/v1/audit/verify", Cancellation))!;

        Assert.True((bool)erasure["erased"]!);
        Assert.Equal(["node-0", "node-1"], tenants.Select(static e => (string)e["chain"]!).Order());
        var read = Assert.Single(leaverEntries);
        Assert.Equal("node-0", (string)read["chain"]!);
        Assert.Equal("task.list", (string)read["action"]!);
        Assert.Equal("[erased]", (string)read["actor"]!["id"]!);
        Assert.Equal("[erased]", (string)read["details"]!["query.owner"]!);
        Assert.True((bool)verify["intact"]!, verify.ToJsonString());
        Assert.Equal(["node-0", "node-1"], verify["chains"]!.AsArray().Select(static c => (string)c!["chain"]!).Order());
    }

    private static async Task<List<JsonObject>> ItemsAsync(HttpClient http, string path) =>
        [.. (await http.GetFromJsonAsync<JsonObject>(path, Cancellation))!["items"]!.AsArray().Select(static e => e!.AsObject())];

    private static HttpClient Http(ClusterUnderTest cluster, int node, string key)
    {
        var http = new HttpClient { BaseAddress = cluster.Urls[node], Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return http;
    }
}
