using AgentMesh.Client;

namespace AgentMesh.Cli.Connection;

/// <summary>
/// Where the node is and which key to use: <c>--url</c>/<c>--key</c>, then <c>AGENTMESH_URL</c>/<c>AGENTMESH_API_KEY</c>,
/// then the files a local node writes to its data folder (<c>node.url</c>, <c>admin.key</c>), then the default address.
/// </summary>
internal sealed record NodeConnection(Uri Url, string? Key)
{
    public const string UrlFile = "node.url";
    public const string KeyFile = "admin.key";

    public static NodeConnection Resolve(string? url, string? key, string dataPath)
    {
        url ??= Environment.GetEnvironmentVariable("AGENTMESH_URL") ?? ReadFile(dataPath, UrlFile) ?? AgentMesh.Server.Hosting.NodeOptions.DefaultUrl;
        key ??= Environment.GetEnvironmentVariable("AGENTMESH_API_KEY") ?? ReadFile(dataPath, KeyFile);
        return new NodeConnection(new Uri(url), key);
    }

    public AgentMeshClient CreateClient() => AgentMeshClient.Create(Url, Key ?? string.Empty);

    private static string? ReadFile(string dataPath, string name)
    {
        var path = Path.Combine(dataPath, name);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }
}
