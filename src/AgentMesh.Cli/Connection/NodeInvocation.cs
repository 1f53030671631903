using System.CommandLine;
using AgentMesh.Cli.Output;
using AgentMesh.Client;

namespace AgentMesh.Cli.Connection;

/// <summary>What a node command's body works with: its parsed line, its output, and a session with the node.</summary>
internal sealed record NodeInvocation(ParseResult Result, CommandOutput Output, NodeSession Session, bool Json)
{
    public AgentMeshClient Client => Session.Client;

    public T? Get<T>(Option<T> option) => Result.GetValue(option);

    public T? Get<T>(Argument<T> argument) => Result.GetValue(argument);

    /// <summary>Prints the node's last JSON answer exactly as it was sent.</summary>
    public Task WriteNodeJsonAsync() => Output.WriteJsonAsync(Session.Recorder.LastJson);
}
