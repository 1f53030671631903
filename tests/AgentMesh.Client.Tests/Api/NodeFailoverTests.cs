using System.Net;

namespace AgentMesh.Client.Tests.Api;

public sealed class NodeFailoverTests
{
    private static readonly Uri A = new("http://10.0.0.1:5080/");
    private static readonly Uri B = new("http://10.0.0.2:5080/");
    private static readonly Uri C = new("http://10.0.0.3:5080/");

    [Fact]
    public async Task NodeUnreachable_TheNextRequestGoesToTheNextNode_WithPathAndQuery()
    {
        var nodes = new RecordingNodes { Down = { A.Host } };
        using var http = Client(nodes, A, B, C);

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri("v1/tenants/acme/tasks?limit=5", UriKind.Relative), TestContext.Current.CancellationToken));
        using var answer = await http.GetAsync(new Uri("v1/tenants/acme/tasks?limit=5", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(["http://10.0.0.1:5080/v1/tenants/acme/tasks?limit=5", "http://10.0.0.2:5080/v1/tenants/acme/tasks?limit=5"], nodes.Requests);
    }

    [Fact]
    public async Task ServiceUnavailable_MovesOn_AndWrapsAround()
    {
        var nodes = new RecordingNodes { Unavailable = { A.Host, B.Host } };
        using var http = Client(nodes, A, B);

        for (var i = 0; i < 3; i++)
        {
            using var answer = await http.GetAsync(new Uri("health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        }

        Assert.Equal(["10.0.0.1", "10.0.0.2", "10.0.0.1"], nodes.Requests.Select(static r => new Uri(r).Host));
    }

    [Fact]
    public async Task HealthyNode_KeepsGettingTheRequests()
    {
        var nodes = new RecordingNodes();
        using var http = Client(nodes, A, B);

        for (var i = 0; i < 3; i++)
        {
            using var answer = await http.GetAsync(new Uri("health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        }

        Assert.All(nodes.Requests, static r => Assert.StartsWith("http://10.0.0.1:5080/", r, StringComparison.Ordinal));
    }

    [Fact]
    public void RelativeFallbackAddress_IsRefused()
    {
        var options = new AgentMeshClientOptions { BaseAddress = A, ApiKey = "amk_x_y" };
        options.FallbackAddresses.Add(new Uri("/other", UriKind.Relative));

        var error = Assert.Throws<ArgumentException>(() => AgentMeshClient.Create(options));

        Assert.Contains("fallback", error.Message, StringComparison.Ordinal);
    }

    private static HttpClient Client(RecordingNodes nodes, params Uri[] addresses) =>
        new(new NodeFailoverHandler(addresses) { InnerHandler = nodes }) { BaseAddress = addresses[0] };

    private sealed class RecordingNodes : HttpMessageHandler
    {
        public HashSet<string> Down { get; } = [];

        public HashSet<string> Unavailable { get; } = [];

        public List<string> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!.AbsoluteUri);
            var host = request.RequestUri.Host;
            return Down.Contains(host)
                ? Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused"))
                : Task.FromResult(new HttpResponseMessage(Unavailable.Contains(host) ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK));
        }
    }
}
