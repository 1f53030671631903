using System.Diagnostics;
using System.Text.Json;
using AgentMesh.Caching;
using AgentMesh.Server.Cluster;
using AgentMesh.Server.Http;
using Microsoft.Extensions.Caching.Hybrid;

namespace AgentMesh.Server.Caching;

/// <summary>
/// Agent reads (<c>GET …/agents/{id}</c>, <c>GET …/agents</c>) as a cluster follower answers them. An agent's view is
/// mostly live state that only the leader's engine holds (connection, tasks in flight, counters, heartbeat), so a miss
/// asks the leader — with the caller's credential, so the leader authenticates and rate-limits that read too — and
/// the answer is kept in the node's <see cref="HybridCache"/> (memory, and Redis shared by every follower) for
/// <see cref="CacheOptions.AgentExpiration"/>; concurrent misses of one entry ask the leader once. Entries are filed under
/// the directory version the follower read for the request (<c>agent:{version}:{path and query}</c>): the leader
/// publishes a new version after every registration and change of an agent, before acknowledging it, so no answer from
/// before a change is found afterwards, on any follower. An answer is used only until <c>AgentExpiration</c> after it was
/// asked for, however late it reached the cache. Only 200 answers are kept; any other answer of the leader is passed on
/// as it came and kept nowhere.
/// </summary>
internal sealed class AgentReadCache
{
    private readonly HybridCache _cache;
    private readonly IHttpClientFactory _clients;
    private readonly ClusterState _state;
    private readonly CacheCounters _counters;
    private readonly TimeProvider _time;
    private readonly TimeSpan _expiration;
    private readonly HybridCacheEntryOptions _options;
    private readonly TagList _kind;

    public AgentReadCache(HybridCache cache, IHttpClientFactory clients, ClusterState state, CacheOptions options, CacheCounters counters, TimeProvider time)
    {
        _cache = cache;
        _clients = clients;
        _state = state;
        _counters = counters;
        _time = time;
        _expiration = options.AgentExpiration;
        _options = new HybridCacheEntryOptions { Expiration = options.AgentExpiration, LocalCacheExpiration = options.AgentExpiration };
        _kind = counters.Kind("agent");
    }

    /// <summary>The answer to this agent read under directory <paramref name="version"/>: cached, or the leader's.</summary>
    public async ValueTask<FollowerAnswer> ReadAsync(string version, HttpContext http)
    {
        var entry = $"agent:{version}:{http.Request.Path}{http.Request.QueryString}";
        var fill = new Fill(this, http);
        try
        {
            var answer = await _cache.GetOrCreateAsync(entry, fill, static (f, ct) => f.FetchAsync(ct), _options, cancellationToken: http.RequestAborted);
            if (!fill.Fetched && _time.GetUtcNow() >= answer.AskedAt + _expiration)
            {
                // Asked for long before it reached the cache: older than a change may allow. Ask again.
                answer = await fill.FetchAsync(http.RequestAborted);
                await _cache.SetAsync(entry, answer, _options, cancellationToken: http.RequestAborted);
            }

            _counters.Read(_kind, fromStore: fill.Fetched);
            return answer;
        }
        catch (NotKeptException notKept)
        {
            _counters.Miss(_kind);
            if (notKept.Answer is { } answer)
            {
                return answer;
            }

            var (code, detail) = notKept.Problem!.Value;
            var problem = Problems.Make(http, StatusCodes.Status503ServiceUnavailable, code, detail).ProblemDetails;
            return new FollowerAnswer(
                problem.Status!.Value, "application/problem+json", null, "1", JsonSerializer.SerializeToUtf8Bytes(problem, ServerJsonContext.Default.ProblemDetails), _time.GetUtcNow());
        }
    }

    private sealed class Fill(AgentReadCache owner, HttpContext http)
    {
        public bool Fetched { get; private set; }

        public async ValueTask<FollowerAnswer> FetchAsync(CancellationToken cancellationToken)
        {
            Fetched = true;
            var answer = await owner.AskLeaderAsync(http, cancellationToken);
            return answer.Status == StatusCodes.Status200OK ? answer : throw new NotKeptException(answer, null);
        }
    }

    private async Task<FollowerAnswer> AskLeaderAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var askedAt = _time.GetUtcNow();
        if (_state.LeaderUrl is not { } leader)
        {
            throw new NotKeptException(null, LeaderForwarding.NoLeader);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(leader, http.Request.PathBase + http.Request.Path + http.Request.QueryString));
        request.Headers.TryAddWithoutValidation("Authorization", (IEnumerable<string?>)http.Request.Headers.Authorization);
        LeaderForwarding.MarkForwarded(request, http, _state.NodeId);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await _clients.CreateClient(LeaderForwarding.ClientName).SendAsync(request, timeout.Token);
            return new FollowerAnswer(
                (int)response.StatusCode,
                response.Content.Headers.ContentType?.ToString(),
                response.Headers.ETag?.ToString(),
                response.Headers.RetryAfter?.ToString(),
                await response.Content.ReadAsByteArrayAsync(timeout.Token),
                askedAt);
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new NotKeptException(null, LeaderForwarding.LeaderUnreachable);
        }
    }

    /// <summary>
    /// Thrown out of the cache's factory so that nothing is cached: the leader's answer other than a 200, passed on; or,
    /// when the leader could not be asked, the code and detail of the 503 this node answers.
    /// </summary>
    private sealed class NotKeptException(FollowerAnswer? answer, (string Code, string Detail)? problem) : Exception
    {
        public FollowerAnswer? Answer { get; } = answer;

        public (string Code, string Detail)? Problem { get; } = problem;
    }
}

/// <summary>
/// A follower's answer to a read it asked the leader for, as it keeps and repeats it: status, body and the headers that
/// describe them, and when the follower asked — or its own 503 when it could not ask. A 200 with an ETag the request's
/// <c>If-None-Match</c> names is answered 304.
/// </summary>
[System.ComponentModel.ImmutableObject(true)]
internal sealed record FollowerAnswer(int Status, string? ContentType, string? ETag, string? RetryAfter, byte[] Body, DateTimeOffset AskedAt) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        if (ETag is not null)
        {
            response.Headers.ETag = ETag;
        }

        if (RetryAfter is not null)
        {
            response.Headers.RetryAfter = RetryAfter;
        }

        if (Status == StatusCodes.Status200OK && ETag is not null && AgentMesh.Server.Agents.AgentEndpoints.Matches(httpContext.Request.GetTypedHeaders().IfNoneMatch, ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.StatusCode = Status;
        response.ContentType = ContentType;
        response.ContentLength = Body.Length;
        return response.Body.WriteAsync(Body, httpContext.RequestAborted).AsTask();
    }
}
