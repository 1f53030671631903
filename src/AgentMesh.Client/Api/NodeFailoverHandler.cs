using System.Net;

namespace AgentMesh.Client;

/// <summary>
/// Sends every request to the current node of a cluster's list and moves on to the next one when that node
/// cannot be reached or answers 502/503/504, so the caller's next attempt (its own retry with backoff) goes
/// elsewhere. Requests are built against the first address; this handler rebases them.
/// </summary>
internal sealed class NodeFailoverHandler : DelegatingHandler
{
    private readonly string[] _nodes;
    private int _current;

    public NodeFailoverHandler(IReadOnlyList<Uri> nodes)
    {
        _nodes = [.. nodes.Select(static n => n.AbsoluteUri.EndsWith('/') ? n.AbsoluteUri : n.AbsoluteUri + "/")];
    }

    /// <summary>The node requests go to now.</summary>
    public Uri Current => new(_nodes[Volatile.Read(ref _current)]);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var index = Volatile.Read(ref _current);
        var target = request.RequestUri!.AbsoluteUri;
        if (index != 0 && target.StartsWith(_nodes[0], StringComparison.Ordinal))
        {
            request.RequestUri = new Uri(_nodes[index] + target[_nodes[0].Length..]);
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
        catch (HttpRequestException)
        {
            MoveOn(index);
            throw;
        }
    }

    // Only the first of several concurrent failures against the same node moves the index.
    private void MoveOn(int from) => Interlocked.CompareExchange(ref _current, (from + 1) % _nodes.Length, from);
}
