using System.Net.Http.Headers;
using AgentMesh.Client;

namespace AgentMesh.Cli.Connection;

/// <summary>One command's connection to the node: a client whose answers are recorded for <c>--json</c>.</summary>
internal sealed class NodeSession : IDisposable
{
    private readonly HttpClient _http;

    public NodeSession(NodeConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        HttpMessageHandler transport = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        if (connection.Nodes.Count > 1)
        {
            transport = new NodeFailoverHandler(connection.Nodes) { InnerHandler = transport };
        }

        Recorder = new ResponseRecorder { InnerHandler = transport };
        var address = connection.Url.AbsoluteUri;
        _http = new HttpClient(Recorder, disposeHandler: true)
        {
            BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/"),
            Timeout = TimeSpan.FromSeconds(100),
        };
        if (!string.IsNullOrEmpty(connection.Key))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", connection.Key);
        }

        Client = new AgentMeshClient(_http);
    }

    public NodeConnection Connection { get; }

    public ResponseRecorder Recorder { get; }

    public AgentMeshClient Client { get; }

    /// <summary>The node's answer to <c>GET <paramref name="path"/></c> for endpoints the typed client does not cover (health).</summary>
    public async Task<(int Status, string Body)> GetRawAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public void Dispose()
    {
        Client.Dispose();
        _http.Dispose();
    }
}
