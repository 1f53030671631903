using System.CommandLine;
using System.CommandLine.Invocation;
using System.Net.Sockets;
using AgentMesh.Cli.Output;
using AgentMesh.Client;

namespace AgentMesh.Cli.Connection;

/// <summary>
/// Runs a node command and turns expected failures into exit codes and one readable message on stderr: a refused
/// request (1, with the problem's code, detail and field errors), bad usage (2), an unreachable node (3).
/// </summary>
internal sealed class NodeAction(ConnectionOptions options, Func<NodeInvocation, CancellationToken, Task<int>> body, bool takesSettings) : AsynchronousCommandLineAction
{
    // Parse errors reach the action so they end with exit code 2 rather than the parser's 1.
    public override bool ClearsParseErrors => true;

    /// <summary>Whether tokens the command does not know may be node settings (<c>--AgentMesh:… value</c>), as for a command without a node.</summary>
    public bool TakesSettings => takesSettings;

    /// <param name="command">The command.</param>
    /// <param name="options">Where the node is.</param>
    /// <param name="body">What the command does.</param>
    /// <param name="takesSettings">True for a command that can also work without a node and reads the node's settings then (<c>audit verify --offline</c>).</param>
    public static void Set(Command command, ConnectionOptions options, Func<NodeInvocation, CancellationToken, Task<int>> body, bool takesSettings = false)
    {
        command.TreatUnmatchedTokensAsErrors = !takesSettings;
        command.Action = new NodeAction(options, body, takesSettings);
    }

    public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var output = new CommandOutput(parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
        if (await Usage.ReportParseErrorsAsync(parseResult, output))
        {
            return ExitCodes.BadUsage;
        }

        NodeConnection connection;
        try
        {
            connection = options.Resolve(parseResult);
        }
        catch (UriFormatException exception)
        {
            await output.WriteErrorAsync($"error: the node URL is not valid: {exception.Message}");
            return ExitCodes.BadUsage;
        }

        using var session = new NodeSession(connection);
        try
        {
            return await body(new NodeInvocation(parseResult, output, session, parseResult.GetValue(options.Json)), cancellationToken);
        }
        catch (UsageException exception)
        {
            await output.WriteErrorAsync($"error: {exception.Message}");
            return ExitCodes.BadUsage;
        }
        catch (AgentMeshApiException exception)
        {
            await WriteProblemAsync(output, exception, connection);
            return ExitCodes.RequestFailed;
        }
        catch (HttpRequestException exception) when (exception.StatusCode is null)
        {
            await WriteUnreachableAsync(output, connection, Reason(exception));
            return ExitCodes.Unreachable;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await WriteUnreachableAsync(output, connection, "it did not answer within 100 s");
            return ExitCodes.Unreachable;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Interrupted;
        }
    }

    private static async Task WriteProblemAsync(CommandOutput output, AgentMeshApiException problem, NodeConnection connection)
    {
        var code = problem.Code ?? "http_" + (int)problem.StatusCode;
        var detail = problem.Detail ?? problem.Title ?? "the node refused the request.";
        await output.WriteErrorAsync($"error: {code} ({(int)problem.StatusCode}): {detail}");
        foreach (var (field, messages) in problem.Errors)
        {
            foreach (var message in messages.Where(m => !detail.Contains($"{field}: {m}", StringComparison.Ordinal)))
            {
                await output.WriteErrorAsync($"  {field}: {message}");
            }
        }

        if (problem.Code is "unauthenticated" or "forbidden")
        {
            await output.WriteErrorAsync($"  ({connection.Describe()})");
        }
    }

    private static Task WriteUnreachableAsync(CommandOutput output, NodeConnection connection, string reason) =>
        output.WriteErrorAsync(
            $"error: cannot reach the AgentMesh node{(connection.Nodes.Count > 1 ? "s" : "")} at {connection.Addresses(", ")}: {reason}{Environment.NewLine}" +
            $"  ({connection.Describe()}; start one with 'agentmesh serve', or pass --url)");

    private static string Reason(HttpRequestException exception) =>
        exception.InnerException is SocketException socket ? socket.Message
        : exception.HttpRequestError == HttpRequestError.NameResolutionError ? "the host name does not resolve"
        : exception.Message;
}
