using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Tests;

/// <summary>A node with one request a second per address, its logs captured, and the given proxy settings.</summary>
public abstract class ProxyNodeFixture : NodeFixture
{
    public CapturedLogs Logs { get; } = new();

    protected abstract IEnumerable<string> ProxySettings { get; }

    protected override IEnumerable<string> Settings =>
    [
        "--AgentMesh:RateLimits:PerKeyRequestsPerSecond", "1",
        "--AgentMesh:RateLimits:PerKeyBurstMultiple", "1",
        "--Logging:LogLevel:AgentMesh.Server.RateLimits", "Debug",
        .. ProxySettings,
    ];

    protected override void Configure(WebApplicationBuilder builder) => builder.Logging.AddProvider(Logs);
}

/// <summary>The node sits behind a proxy on loopback, where the tests connect from.</summary>
public sealed class TrustedProxyNodeFixture : ProxyNodeFixture
{
    protected override IEnumerable<string> ProxySettings => ["--AgentMesh:Node:ForwardedHeaders:KnownProxies:0", "127.0.0.1"];
}

/// <summary>Proxies are configured, but the tests do not connect from any of them.</summary>
public sealed class OtherProxyNodeFixture : ProxyNodeFixture
{
    protected override IEnumerable<string> ProxySettings =>
        ["--AgentMesh:Node:ForwardedHeaders:KnownProxies:0", "10.1.2.3", "--AgentMesh:Node:ForwardedHeaders:KnownNetworks:0", "192.168.0.0/16"];
}

/// <summary>No proxy settings: the default.</summary>
public sealed class NoProxyNodeFixture : ProxyNodeFixture
{
    protected override IEnumerable<string> ProxySettings => [];
}

public sealed class ForwardedHeadersFromAKnownProxyTests(TrustedProxyNodeFixture node) : IClassFixture<TrustedProxyNodeFixture>
{
    [Fact]
    public async Task Unauthenticated_EachForwardedClientHasItsOwnBucket()
    {
        var exhausted = await ForwardedCalls.ExhaustAsync(node, "198.51.100.1");

        var other = await ForwardedCalls.SendAsync(node, "198.51.100.2");

        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        Assert.Contains(node.Logs.Lines, line => line.Contains("[8001]", StringComparison.Ordinal) && line.Contains("remoteAddress=198.51.100.1", StringComparison.Ordinal));
        Assert.True(exhausted);
    }

    [Fact]
    public async Task Unauthenticated_ChainEndingInTheProxy_UsesTheClientTheProxySaw()
    {
        await ForwardedCalls.ExhaustAsync(node, "203.0.113.9");

        var spoofed = await ForwardedCalls.SendAsync(node, "198.51.100.77, 203.0.113.9");

        Assert.Equal(HttpStatusCode.TooManyRequests, spoofed.StatusCode);
    }
}

public sealed class ForwardedHeadersFromAnUnknownPeerTests(OtherProxyNodeFixture node) : IClassFixture<OtherProxyNodeFixture>
{
    [Fact]
    public async Task Unauthenticated_ForwardedForIsIgnored_AllShareTheConnectionsBucket()
    {
        await ForwardedCalls.ExhaustAsync(node, "198.51.100.1");

        var other = await ForwardedCalls.SendAsync(node, "198.51.100.2");

        Assert.Equal(HttpStatusCode.TooManyRequests, other.StatusCode);
        Assert.DoesNotContain(node.Logs.Lines, line => line.Contains("remoteAddress=198.51.100.", StringComparison.Ordinal));
        Assert.Contains(node.Logs.Lines, line => line.Contains("[8001]", StringComparison.Ordinal) && line.Contains("remoteAddress=127.0.0.1", StringComparison.Ordinal));
    }
}

public sealed class ForwardedHeadersOffTests(NoProxyNodeFixture node) : IClassFixture<NoProxyNodeFixture>
{
    [Fact]
    public async Task Unauthenticated_ForwardedForIsIgnoredByDefault()
    {
        await ForwardedCalls.ExhaustAsync(node, "198.51.100.1");

        var other = await ForwardedCalls.SendAsync(node, "198.51.100.2");

        Assert.Equal(HttpStatusCode.TooManyRequests, other.StatusCode);
    }

    [Theory]
    [InlineData("KnownProxies", "not-an-address")]
    [InlineData("KnownNetworks", "10.0.0.0/33")]
    public void Build_UnparsableProxy_FailsNamingTheSetting(string setting, string value)
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        string[] args = ["--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data, $"--AgentMesh:Node:ForwardedHeaders:{setting}:0", value];

        var error = Assert.Throws<OptionsValidationException>(() => Hosting.AgentMeshNode.Build(args));

        Assert.Contains($"AgentMesh:Node:ForwardedHeaders:{setting}", error.Message, StringComparison.Ordinal);
    }
}

internal static class ForwardedCalls
{
    public static async Task<HttpResponseMessage> SendAsync(NodeFixture node, string forwardedFor)
    {
        using var client = node.Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/tenants", UriKind.Relative));
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendRequestAsync(request);
    }

    /// <summary>Calls without a credential as <paramref name="forwardedFor"/> until the address limit answers 429.</summary>
    public static async Task<bool> ExhaustAsync(NodeFixture node, string forwardedFor)
    {
        for (var i = 0; i < 10; i++)
        {
            if ((await SendAsync(node, forwardedFor)).StatusCode == HttpStatusCode.TooManyRequests)
            {
                return true;
            }
        }

        Assert.Fail($"No 429 for {forwardedFor} after 10 calls.");
        return false;
    }
}
