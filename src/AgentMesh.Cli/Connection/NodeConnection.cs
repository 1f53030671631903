using AgentMesh.Client;

namespace AgentMesh.Cli.Connection;

/// <summary>
/// Where the node is and which key to use: <c>--url</c>/<c>--key</c>, then <c>AGENTMESH_URL</c>/<c>AGENTMESH_API_KEY</c>,
/// then the files a local node writes to its data folder (<c>node.url</c>, <c>admin.key</c>), then the default address.
/// The URL may list a cluster's nodes separated by commas: requests go to the first, and to the next when one
/// cannot be reached or answers 502/503/504.
/// </summary>
/// <param name="Nodes">The node, or a cluster's nodes in the order they are tried; at least one.</param>
/// <param name="Key">The API key, if one was found.</param>
internal sealed record NodeConnection(IReadOnlyList<Uri> Nodes, string? Key)
{
    public const string UrlFile = "node.url";
    public const string KeyFile = "admin.key";

    /// <summary>The node requests are addressed to: the first of <see cref="Nodes"/>.</summary>
    public Uri Url => Nodes[0];

    /// <summary>Where <see cref="Url"/> came from, for error messages: <c>--url</c>, <c>AGENTMESH_URL</c>, a file, or the default.</summary>
    public string UrlSource { get; init; } = "--url";

    /// <summary>Where <see cref="Key"/> came from, or that none was found.</summary>
    public string KeySource { get; init; } = "--key";

    public static NodeConnection Resolve(string? url, string? key, string dataPath)
    {
        var (resolvedUrl, urlSource) = url is not null ? (url, "--url")
            : Environment.GetEnvironmentVariable("AGENTMESH_URL") is { Length: > 0 } fromEnvironment ? (fromEnvironment, "AGENTMESH_URL")
            : ReadFile(dataPath, UrlFile) is { } fromFile ? (fromFile, Path.Combine(dataPath, UrlFile))
            : (AgentMesh.Server.Hosting.NodeOptions.DefaultUrl, "the default address");
        var (resolvedKey, keySource) = key is not null ? (key, "--key")
            : Environment.GetEnvironmentVariable("AGENTMESH_API_KEY") is { Length: > 0 } keyFromEnvironment ? (keyFromEnvironment, "AGENTMESH_API_KEY")
            : ReadFile(dataPath, KeyFile) is { } keyFromFile ? (keyFromFile, Path.Combine(dataPath, KeyFile))
            : ((string?)null, "nowhere (no --key, AGENTMESH_API_KEY or " + Path.Combine(dataPath, KeyFile) + ")");
        return new NodeConnection(ParseNodes(resolvedUrl), resolvedKey) { UrlSource = urlSource, KeySource = keySource };
    }

    /// <summary>One address, or several separated by commas; each must be an absolute URI (else <see cref="UriFormatException"/>).</summary>
    public static IReadOnlyList<Uri> ParseNodes(string urls)
    {
        var parts = urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 0 ? [new Uri(urls.Trim())] : [.. parts.Select(static p => new Uri(p))];
    }

    /// <summary>The nodes, without trailing slashes, separated by <paramref name="separator"/> (a comma: as <c>--url</c> takes them).</summary>
    public string Addresses(string separator = ",") => string.Join(separator, Nodes.Select(static n => n.AbsoluteUri.TrimEnd('/')));

    /// <summary>How the URL and key were found, for people reading an error.</summary>
    public string Describe() => $"URL from {UrlSource}; key from {KeySource}";

    public AgentMeshClient CreateClient()
    {
        var options = new AgentMeshClientOptions { BaseAddress = Url, ApiKey = Key ?? string.Empty };
        foreach (var node in Nodes.Skip(1))
        {
            options.FallbackAddresses.Add(node);
        }

        return AgentMeshClient.Create(options);
    }

    private static string? ReadFile(string dataPath, string name)
    {
        var path = Path.Combine(dataPath, name);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }
}
