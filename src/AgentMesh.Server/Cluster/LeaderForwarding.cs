using System.Diagnostics.Metrics;
using AgentMesh.Server.Http;
using AgentMesh.Telemetry;

namespace AgentMesh.Server.Cluster;

/// <summary>
/// On a follower, the API (<c>/v1/…</c> and <c>/health/detail</c>) is forwarded to the leader as it came —
/// credentials, body and all — and the leader's answer streamed back, long polls and event streams
/// included. Health, metrics and documentation stay local. A request already forwarded once is never
/// forwarded again (two nodes that disagree about the leader answer 503 until they agree). With Redis and the read cache,
/// a follower answers the reads marked <see cref="ServedByFollowers"/> itself, under the directory version it reads for
/// each of them (<see cref="FollowerReads"/>), and forwards them too when it cannot read one. Every answer names the node
/// that made it in <c>X-AgentMesh-Node</c>. A follower counts its API requests in <c>agentmesh.cluster.follower_requests</c>
/// by <c>answered_by</c>: <c>follower</c> (itself) or <c>leader</c> (forwarded).
/// </summary>
internal sealed partial class LeaderForwarding(
    ClusterState state, IHttpClientFactory clients, IServiceProvider services, IMeterFactory meters, ILogger<LeaderForwarding> logger)
{
    public const string ClientName = "agentmesh-cluster";
    public const string ForwardedHeader = "X-AgentMesh-Forwarded-By";
    public const string NodeHeader = "X-AgentMesh-Node";

    /// <summary>The 503 a follower answers when no node leads.</summary>
    internal static readonly (string Code, string Detail) NoLeader = ("no_leader", "No node of the cluster leads at the moment; retry shortly.");

    /// <summary>The 503 a follower answers when the leader did not answer it.</summary>
    internal static readonly (string Code, string Detail) LeaderUnreachable = ("leader_unreachable", "The cluster's leader did not answer; retry shortly.");

    // Hop-by-hop headers (RFC 9110 §7.6.1) and Host are the connection's own, never passed on.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host",
    };

    private static readonly KeyValuePair<string, object?> ByFollower = new("answered_by", "follower");
    private static readonly KeyValuePair<string, object?> ByLeader = new("answered_by", "leader");

    // Resolved at the first request, not when the pipeline is built: the caches' metrics exist only once the host has started.
    private readonly Lazy<FollowerReads?> _reads = new(services.GetService<FollowerReads>);

    private readonly Counter<long> _requests = meters.Create(MeshTelemetry.Name).CreateCounter<long>(
        "agentmesh.cluster.follower_requests", "{request}", "API requests that reached this node as a follower, by the node that answered them (follower: itself; leader: forwarded).");

    public static bool IsForwarded(PathString path) =>
        path.StartsWithSegments("/v1") || path.StartsWithSegments("/health/detail");

    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (state.Role == ClusterRole.Leader || !IsForwarded(http.Request.Path))
        {
            http.Response.Headers[NodeHeader] = state.NodeId;
            await next(http);
            return;
        }

        if (state.Role == ClusterRole.Follower && _reads.Value is { } reads && http.GetEndpoint()?.Metadata.GetMetadata<ServedByFollowers>() is not null
            && await reads.VersionAsync(http.RequestAborted) is { } version)
        {
            http.Features.Set(version);
            http.Response.Headers[NodeHeader] = state.NodeId;
            _requests.Add(1, ByFollower);
            await next(http);
            return;
        }

        if (state.LeaderUrl is not { } leader || http.Request.Headers.ContainsKey(ForwardedHeader))
        {
            await UnavailableAsync(http, NoLeader);
            return;
        }

        _requests.Add(1, ByLeader);
        using var request = CreateRequest(http, leader);
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, http.RequestAborted);
        }
        catch (HttpRequestException exception)
        {
            // Expected while the leader restarts or the cluster changes leader: one line, the stack trace only with Debug on.
            LogLeaderUnreachable(logger, leader, exception.Message, logger.IsEnabled(LogLevel.Debug) ? exception : null);
            await UnavailableAsync(http, LeaderUnreachable);
            return;
        }

        using (response)
        {
            http.Response.StatusCode = (int)response.StatusCode;
            CopyHeaders(response.Headers, http.Response.Headers);
            CopyHeaders(response.Content.Headers, http.Response.Headers);
            await using var body = await response.Content.ReadAsStreamAsync(http.RequestAborted);
            await CopyAsync(body, http.Response, http.RequestAborted);
        }
    }

    private HttpRequestMessage CreateRequest(HttpContext http, Uri leader)
    {
        var incoming = http.Request;
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(leader, incoming.PathBase + incoming.Path + incoming.QueryString));
        if (incoming.ContentLength > 0 || incoming.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(incoming.Body);
        }

        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        MarkForwarded(request, http, state.NodeId);
        return request;
    }

    /// <summary>Marks a request this node sends the leader on a caller's behalf: the node that sent it, the caller's request id and address.</summary>
    internal static void MarkForwarded(HttpRequestMessage request, HttpContext http, string nodeId)
    {
        request.Headers.TryAddWithoutValidation(ForwardedHeader, nodeId);
        request.Headers.Remove(RequestPipeline.RequestIdHeader);
        request.Headers.TryAddWithoutValidation(RequestPipeline.RequestIdHeader, http.TraceIdentifier);
        if (http.Connection.RemoteIpAddress is { } remote)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", remote.ToString());
        }
    }

    private static void CopyHeaders(System.Net.Http.Headers.HttpHeaders from, IHeaderDictionary to)
    {
        foreach (var (name, values) in from)
        {
            if (!HopByHop.Contains(name))
            {
                to[name] = values.ToArray();
            }
        }
    }

    // Flushed after every read, so server-sent events and long-poll answers pass through as they come.
    private static async Task CopyAsync(Stream body, HttpResponse response, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Task UnavailableAsync(HttpContext http, (string Code, string Detail) problem)
    {
        http.Response.Headers[NodeHeader] = state.NodeId;
        http.Response.Headers.RetryAfter = "1";
        return Problems.Make(http, StatusCodes.Status503ServiceUnavailable, problem.Code, problem.Detail).ExecuteAsync(http);
    }

    [LoggerMessage(EventId = 2310, Level = LogLevel.Warning, Message = "The leader at {Leader} did not answer a forwarded request ({Reason})")]
    private static partial void LogLeaderUnreachable(ILogger logger, Uri leader, string reason, Exception? exception);
}
