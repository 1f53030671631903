using System.Net;

namespace AgentMesh.Server.Tests;

public class BrowserHeaderTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Docs_Get_AnswersWithAContentSecurityPolicyAndOnlyLocalScripts()
    {
        using var anonymous = node.Client(null);

        var response = await anonymous.GetPathAsync("/docs");
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("fonts.scalar.com", html, StringComparison.Ordinal);
        Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task Request_NoOriginsConfigured_SendsNoCorsHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/tenants", UriKind.Relative));
        request.Headers.Add("Origin", "https://console.example");

        var response = await node.Admin.SendRequestAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(response.Headers, static h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }
}
