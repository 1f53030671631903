using System.Net;

namespace AgentMesh.Client;

/// <summary>
/// For a cluster: sends every request to the current node of a list and moves on to the next one when that node
/// cannot be reached or answers 502/503/504. A request that could not even connect (nothing of it reached the
/// node, so sending it again cannot do anything twice) goes at once to the next node, and so on once round the
/// list; any other failure is returned to the caller, whose next attempt (its own retry, with backoff or the
/// node's <c>Retry-After</c>) goes to the next node. Requests are built against the first address; this
/// handler rebases them. <see cref="AgentMeshClient.Create(AgentMeshClientOptions, Microsoft.Extensions.Logging.ILoggerFactory?)"/>
/// and the worker add it when <see cref="AgentMeshClientOptions.FallbackAddresses"/> is set; put it in a handler
/// chain of your own when you build the <see cref="HttpClient"/> yourself (its base address the first node).
/// </summary>
public sealed class NodeFailoverHandler : DelegatingHandler
{
    private readonly string[] _nodes;
    private int _current;

    /// <summary>Creates the handler over the nodes, the first of which the requests are addressed to.</summary>
    /// <param name="nodes">Absolute addresses of the cluster's nodes; at least one.</param>
    public NodeFailoverHandler(IReadOnlyList<Uri> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count == 0 || nodes.Any(static n => n is null || !n.IsAbsoluteUri))
        {
            throw new ArgumentException("At least one node, each an absolute URI.", nameof(nodes));
        }

        _nodes = [.. nodes.Select(static n => n.AbsoluteUri.EndsWith('/') ? n.AbsoluteUri : n.AbsoluteUri + "/")];
    }

    /// <summary>The node requests go to now.</summary>
    public Uri Current => new(_nodes[Volatile.Read(ref _current)]);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.RequestUri!.AbsoluteUri;
        var rest = target.StartsWith(_nodes[0], StringComparison.Ordinal) ? target[_nodes[0].Length..] : null;
        for (var tried = 1; ; tried++)
        {
            var index = Volatile.Read(ref _current);
            if (rest is not null)
            {
                request.RequestUri = new Uri(_nodes[index] + rest);
            }

            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                if (response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
                {
                    MoveOn(index);
                }

                return response;
            }
            catch (HttpRequestException exception)
            {
                MoveOn(index);
                if (rest is null || exception.HttpRequestError != HttpRequestError.ConnectionError || tried >= _nodes.Length)
                {
                    throw;
                }
            }
        }
    }

    // Only the first of several concurrent failures against the same node moves the index.
    private void MoveOn(int from) => Interlocked.CompareExchange(ref _current, (from + 1) % _nodes.Length, from);
}
