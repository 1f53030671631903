using System.CommandLine;

namespace AgentMesh.Cli.Connection;

/// <summary>The options every node command takes: <c>--url</c>, <c>--key</c>, <c>--data</c> and <c>--json</c>.</summary>
internal sealed class ConnectionOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = "Node address; for a cluster, several separated by commas (tried in turn). Default: AGENTMESH_URL, then <data>/node.url, then http://127.0.0.1:5080.",
        Recursive = true,
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = "API key. Default: AGENTMESH_API_KEY, then <data>/admin.key.",
        Recursive = true,
    };

    public Option<string> Data { get; } = new("--data")
    {
        Description = "Data folder of a local node, where node.url and admin.key are found.",
        DefaultValueFactory = static _ => "./data",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the node's JSON answer (one document, or one event per line) and nothing else.",
        Recursive = true,
    };

    /// <summary>Adds the options to <paramref name="command"/>; recursive, so its subcommands take them too.</summary>
    public T AddTo<T>(T command)
        where T : Command
    {
        command.Options.Add(Url);
        command.Options.Add(Key);
        command.Options.Add(Data);
        command.Options.Add(Json);
        return command;
    }

    public NodeConnection Resolve(ParseResult result) =>
        NodeConnection.Resolve(result.GetValue(Url), result.GetValue(Key), Path.GetFullPath(result.GetValue(Data)!));
}
