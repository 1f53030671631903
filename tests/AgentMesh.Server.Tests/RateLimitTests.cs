using System.Net;

namespace AgentMesh.Server.Tests;

public class RateLimitTests(RateLimitNodeFixture node) : IClassFixture<RateLimitNodeFixture>
{
    private const int Flood = 3 * RateLimitNodeFixture.PerKeyBurst;

    [Fact]
    public async Task Request_TenantBucketEmpty_Answers429WithRetryAfterAndRateLimitHeaders()
    {
        var tenant = await TenantClient.CreateAsync(node, new { maxAgents = 10, maxPendingTasks = 100, requestsPerSecond = 1 });

        var responses = await SendAsync(tenant.Http, tenant.Path, 8);

        var rejected = responses.FirstOrDefault(static r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(rejected);
        var problem = await Expect.ProblemAsync(rejected, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Contains("tenant", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.True(rejected.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {rejected.Headers.RetryAfter}");
        Assert.Equal("2", Header(rejected, "RateLimit-Limit"));
        Assert.Equal("0", Header(rejected, "RateLimit-Remaining"));
        Assert.True(int.Parse(Header(rejected, "RateLimit-Reset"), System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task Request_OtherTenantBucketEmpty_IsAdmitted()
    {
        var limited = await TenantClient.CreateAsync(node, new { maxAgents = 10, maxPendingTasks = 100, requestsPerSecond = 1 });
        var other = await TenantClient.CreateAsync(node);
        var flooded = await SendAsync(limited.Http, limited.Path, 8);

        var response = await other.Http.GetPathAsync(other.Path);

        Assert.Contains(flooded, static r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(Header(response, "RateLimit-Remaining"));
    }

    [Fact]
    public async Task Request_KeyBucketEmpty_Answers429WhileAnotherKeyOfTheTenantIsAdmitted()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var second = await tenant.ClientAsync(["viewer"]);

        var responses = await SendAsync(tenant.Http, tenant.Path, Flood);
        var fromSecond = await second.GetPathAsync(tenant.Path);

        var rejected = responses.FirstOrDefault(static r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(rejected);
        var problem = await Expect.ProblemAsync(rejected, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Contains("credential", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal(RateLimitNodeFixture.PerKeyBurst.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(rejected, "RateLimit-Limit"));
        Assert.NotNull(rejected.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, fromSecond.StatusCode);
    }

    [Fact]
    public async Task Request_FloodOfUnknownKeys_IsLimitedByAddress()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < Flood; i++)
        {
            using var client = node.Client("amk_unknown" + i);
            statuses.Add((await client.GetPathAsync("/v1/tenants")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task HealthAndMetrics_Flood_AreNeverLimited()
    {
        using var anonymous = node.Client(null);

        var health = await SendAsync(anonymous, "/health/live", Flood);
        var metrics = await SendAsync(anonymous, "/metrics", Flood);

        Assert.All(health, static r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(metrics, static r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(health, static r => Assert.False(r.Headers.Contains("RateLimit-Limit")));
    }

    [Fact]
    public async Task Preflight_AllowedOrigin_GetsCorsHeaders()
    {
        using var anonymous = node.Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri("/v1/tenants", UriKind.Relative));
        request.Headers.Add("Origin", RateLimitNodeFixture.AllowedOrigin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");

        var response = await anonymous.SendRequestAsync(request);

        Assert.True(response.IsSuccessStatusCode, $"Preflight answered {(int)response.StatusCode}");
        Assert.Equal(RateLimitNodeFixture.AllowedOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_AllowedOrigin_ExposesHeadersAndUnlistedOriginGetsNone()
    {
        var allowed = await GetWithOriginAsync(RateLimitNodeFixture.AllowedOrigin);
        var unlisted = await GetWithOriginAsync("https://evil.example");

        Assert.Equal(RateLimitNodeFixture.AllowedOrigin, Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Contains("RateLimit-Remaining", Header(allowed, "Access-Control-Expose-Headers"), StringComparison.Ordinal);
        Assert.False(unlisted.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private async Task<HttpResponseMessage> GetWithOriginAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/health/live", UriKind.Relative));
        request.Headers.Add("Origin", origin);
        return await node.Admin.SendRequestAsync(request);
    }

    private static async Task<List<HttpResponseMessage>> SendAsync(HttpClient client, string path, int count)
    {
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < count; i++)
        {
            responses.Add(await client.GetPathAsync(path));
        }

        return responses;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null!;
}
