using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentMesh.Client.Tests.Api;

public sealed class NodeFailoverTests
{
    private static readonly Uri A = new("http://10.0.0.1:5080/");
    private static readonly Uri B = new("http://10.0.0.2:5080/");
    private static readonly Uri C = new("http://10.0.0.3:5080/");

    [Fact]
    public async Task NodeFailsAfterConnecting_TheRequestFails_AndTheNextGoesToTheNextNode_WithPathAndQuery()
    {
        var nodes = new RecordingNodes { Broken = { A.Host } };
        using var http = Client(nodes, A, B, C);

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri("v1/tenants/acme/tasks?limit=5", UriKind.Relative), TestContext.Current.CancellationToken));
        using var answer = await http.GetAsync(new Uri("v1/tenants/acme/tasks?limit=5", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(["http://10.0.0.1:5080/v1/tenants/acme/tasks?limit=5", "http://10.0.0.2:5080/v1/tenants/acme/tasks?limit=5"], nodes.Requests);
    }

    [Fact]
    public async Task NodeRefusesTheConnection_TheSameRequestGoesToTheNextNodeAtOnce()
    {
        var nodes = new RecordingNodes { Down = { A.Host } };
        using var http = Client(nodes, A, B, C);

        using var first = await http.GetAsync(new Uri("v1/tenants/acme/tasks?limit=5", UriKind.Relative), TestContext.Current.CancellationToken);
        using var second = await http.GetAsync(new Uri("health/ready", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(
            ["http://10.0.0.1:5080/v1/tenants/acme/tasks?limit=5", "http://10.0.0.2:5080/v1/tenants/acme/tasks?limit=5", "http://10.0.0.2:5080/health/ready"],
            nodes.Requests);
    }

    [Fact]
    public async Task EveryNodeRefusesTheConnection_EachIsTriedOnce_ThenTheRequestFails()
    {
        var nodes = new RecordingNodes { Down = { A.Host, B.Host, C.Host } };
        using var http = Client(nodes, A, B, C);

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri("health/ready", UriKind.Relative), TestContext.Current.CancellationToken));

        Assert.Equal(HttpRequestError.ConnectionError, failure.HttpRequestError);
        Assert.Equal(["10.0.0.1", "10.0.0.2", "10.0.0.3"], nodes.Requests.Select(static r => new Uri(r).Host));
    }

    [Fact]
    public async Task NodeRefusesTheConnection_OverRealSockets_TheNextNodeGetsTheWholeRequestWithItsBody()
    {
        var refusing = new TcpListener(IPAddress.Loopback, 0);
        refusing.Start();
        var down = new Uri($"http://127.0.0.1:{((IPEndPoint)refusing.LocalEndpoint).Port}/");
        refusing.Stop();
        using var live = new TcpListener(IPAddress.Loopback, 0);
        live.Start();
        var up = new Uri($"http://127.0.0.1:{((IPEndPoint)live.LocalEndpoint).Port}/");
        var received = AnswerOneRequestAsync(live, TestContext.Current.CancellationToken);
        using var http = new HttpClient(new NodeFailoverHandler([down, up]) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = down };

        using var answer = await http.PostAsync(
            new Uri("v1/tenants/acme/tasks", UriKind.Relative), new StringContent("""{"type":"echo"}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var request = await received;
        Assert.StartsWith("POST /v1/tenants/acme/tasks HTTP/1.1", request, StringComparison.Ordinal);
        Assert.EndsWith("""{"type":"echo"}""", request, StringComparison.Ordinal);
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
    public void NoNodes_OrARelativeOne_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new NodeFailoverHandler([]));
        Assert.Throws<ArgumentException>(() => new NodeFailoverHandler([A, new Uri("/other", UriKind.Relative)]));
    }

    [Fact]
    public void RelativeFallbackAddress_IsRefused()
    {
        var options = new AgentMeshClientOptions { BaseAddress = A, ApiKey = "amk_x_y" };
        options.FallbackAddresses.Add(new Uri("/other", UriKind.Relative));

        var error = Assert.Throws<ArgumentException>(() => AgentMeshClient.Create(options));

        Assert.Contains("fallback", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Reads one HTTP/1.1 request (head and Content-Length body) from the first connection and answers 200.</summary>
    private static async Task<string> AnswerOneRequestAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        using var connection = await listener.AcceptTcpClientAsync(cancellationToken);
        var stream = connection.GetStream();
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int headEnd;
        while ((headEnd = text.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0
            || text.Length < headEnd + 4 + ContentLength(text.ToString()[..headEnd]))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            Assert.True(read > 0, "The connection closed before the whole request arrived.");
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), cancellationToken);
        return text.ToString();
    }

    private static int ContentLength(string head) =>
        head.Split("\r\n").FirstOrDefault(static l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } line
            ? int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture)
            : 0;

    private static HttpClient Client(RecordingNodes nodes, params Uri[] addresses) =>
        new(new NodeFailoverHandler(addresses) { InnerHandler = nodes }) { BaseAddress = addresses[0] };

    private sealed class RecordingNodes : HttpMessageHandler
    {
        /// <summary>Hosts that refuse connections.</summary>
        public HashSet<string> Down { get; } = [];

        /// <summary>Hosts that take the connection and then break it.</summary>
        public HashSet<string> Broken { get; } = [];

        public HashSet<string> Unavailable { get; } = [];

        public List<string> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!.AbsoluteUri);
            var host = request.RequestUri.Host;
            return Down.Contains(host) ? Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"))
                : Broken.Contains(host) ? Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely"))
                : Task.FromResult(new HttpResponseMessage(Unavailable.Contains(host) ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK));
        }
    }
}
