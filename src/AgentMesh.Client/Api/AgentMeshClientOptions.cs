using System.Net.Http.Headers;

namespace AgentMesh.Client;

/// <summary>Where the node is and how to authenticate; bound from <c>AgentMesh:Client</c> by convention.</summary>
public sealed class AgentMeshClientOptions
{
    /// <summary>The node's address, such as <c>http://127.0.0.1:5080/</c>. Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// Other nodes of the same cluster, tried in turn when the current node cannot be reached or answers
    /// 502/503/504. Empty for a single node.
    /// </summary>
    public IList<Uri> FallbackAddresses { get; } = [];

    /// <summary>The API key sent as <c>Authorization: Bearer</c>. Required.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Per-request timeout; must exceed the longest poll wait (30 s). Default 100 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    internal static SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        // Long-lived clients still notice DNS changes.
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    internal string? Problem() =>
        BaseAddress is null ? "AgentMesh client: BaseAddress is required."
        : !BaseAddress.IsAbsoluteUri ? "AgentMesh client: BaseAddress must be an absolute URI."
        : FallbackAddresses.Any(static a => a is null || !a.IsAbsoluteUri) ? "AgentMesh client: every fallback address must be an absolute URI."
        : string.IsNullOrWhiteSpace(ApiKey) ? "AgentMesh client: ApiKey is required."
        : Timeout <= TimeSpan.FromSeconds(30) && Timeout != System.Threading.Timeout.InfiniteTimeSpan ? "AgentMesh client: Timeout must exceed 30 s, the longest poll wait."
        : null;

    internal void Validate()
    {
        if (Problem() is { } problem)
        {
            throw new ArgumentException(problem);
        }
    }

    /// <summary>The handler that spreads requests over <see cref="BaseAddress"/> and <see cref="FallbackAddresses"/>; null for one node.</summary>
    internal DelegatingHandler? CreateFailoverHandler() =>
        FallbackAddresses.Count == 0 ? null : new NodeFailoverHandler([BaseAddress!, .. FallbackAddresses]);

    internal void Apply(HttpClient http)
    {
        var address = BaseAddress!.AbsoluteUri;
        http.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        http.Timeout = Timeout;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }
}
