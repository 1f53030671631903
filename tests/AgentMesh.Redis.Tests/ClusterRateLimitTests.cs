using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using AgentMesh.TestKit;
using AgentMesh.TestKit.Services;

namespace AgentMesh.Redis.Tests;

public sealed class ClusterRateLimitTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task Failover_NewLeader_DrawsFromTheBucketsTheOldLeaderEmptied()
    {
        postgres.Require();
        await using var redis = await RedisServer.StartNewAsync();
        var database = await postgres.CreateDatabaseAsync();
        var keys = Directory.CreateTempSubdirectory("agentmesh-redis-keys-");
        var keyFile = Path.Combine(keys.FullName, "encryption.keys");
        AgentMesh.Protection.PayloadKeyFile.AddKey(keyFile);
        string[] cluster =
        [
            "--AgentMesh:Store", "postgres", "--ConnectionStrings:Postgres", database, "--AgentMesh:Encryption:KeyFile", keyFile,
            "--AgentMesh:Cluster:LeaseDuration", "00:00:03", "--AgentMesh:Cluster:CheckInterval", "00:00:00.500",
            "--AgentMesh:RateLimits:TenantBurstMultiple", "100",
            "--AgentMesh:Audit:SigningKeyFile", Path.Combine(keys.FullName, "audit-signing.key"),
            "--AgentMesh:Audit:SubjectKeyFile", Path.Combine(keys.FullName, "audit-subjects.key"),
        ];
        await using var leader = await RedisNode.StartAsync(redis, _prefix, settings: [.. cluster, "--AgentMesh:Audit:Chain", "node-1"]);
        await using var follower = await RedisNode.StartAsync(redis, _prefix, adminKey: leader.AdminKey, settings: [.. cluster, "--AgentMesh:Audit:Chain", "node-2"]);
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        await leader.CreateTenantAsync(tenant, requestsPerSecond: 1);
        var refusedByLeader = false;
        for (var i = 0; i < 300 && !refusedByLeader; i++)
        {
            refusedByLeader = (await leader.GetAsAdminAsync($"/v1/tenants/{tenant}")).StatusCode == HttpStatusCode.TooManyRequests;
        }

        await leader.DisposeAsync();
        await Eventually.TrueAsync(async () => await LeadsAsync(follower), "the follower took the lease");
        var afterFailover = await follower.GetAsAdminAsync($"/v1/tenants/{tenant}");

        // A bucket of the new leader's own would hold 100 requests; the shared one has refilled at 1/s since the flood.
        Assert.True(refusedByLeader);
        var remaining = long.Parse(Header(afterFailover, "RateLimit-Remaining")!, CultureInfo.InvariantCulture);
        Assert.True(afterFailover.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, afterFailover.StatusCode.ToString());
        Assert.InRange(remaining, 0, 30);
        Assert.Equal("100", Header(afterFailover, "RateLimit-Limit"));
        keys.Delete(recursive: true);
    }

    private static async Task<bool> LeadsAsync(RedisNode node)
    {
        var ready = await node.GetAnonymousAsync("/health/ready");
        var report = JsonNode.Parse(await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        return ready.StatusCode == HttpStatusCode.OK && (string?)report["checks"]?["cluster"] == "leader";
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
