using System.CommandLine;
using System.CommandLine.Invocation;

namespace AgentMesh.Cli.Output;

/// <summary>Reports a wrong command line on stderr; the caller exits with <see cref="ExitCodes.BadUsage"/>.</summary>
internal static class Usage
{
    /// <summary>Writes the parse errors, if any, and where to find help; <see langword="true"/> when there were some.</summary>
    public static async Task<bool> ReportParseErrorsAsync(ParseResult result, CommandOutput output)
    {
        var messages = result.Errors.Select(e => e.Message).ToList();
        var command = result.CommandResult.Command;
        messages.AddRange(result.UnmatchedTokens
            .Where(t => command.TreatUnmatchedTokensAsErrors || (command.Action is OfflineAction or Connection.NodeAction { TakesSettings: true } && !IsSetting(t)))
            .Select(t => $"Unrecognized command or argument '{t}'.")
            .Where(m => !messages.Contains(m)));

        if (messages.Count == 0)
        {
            return false;
        }

        foreach (var message in messages)
        {
            await output.WriteErrorAsync($"error: {message}");
        }

        await output.WriteErrorAsync($"Run '{CommandPath(result.CommandResult.Command)} --help' for usage.");
        return true;
    }

    /// <summary>
    /// Whether a token a command without a node leaves to configuration can be one: a value, or a setting's name
    /// (<c>--AgentMesh:Audit:Chain</c>, <c>--ConnectionStrings:Postgres=…</c>). A misspelt option (<c>--postgress</c>) is not
    /// taken for a setting nobody reads.
    /// </summary>
    private static bool IsSetting(string token) =>
        !token.StartsWith('-') || token.AsSpan(0, token.IndexOf('=') is var end and >= 0 ? end : token.Length).Contains(':');

    /// <summary>The action of a command group (<c>agentmesh task</c>): without a subcommand it is bad usage.</summary>
    public static void SetGroupAction(Command group) => group.Action = new GroupAction();

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command current; symbol = current.Parents.FirstOrDefault())
        {
            names.Add(current is RootCommand ? "agentmesh" : current.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    private sealed class GroupAction : AsynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken)
        {
            // Without a subcommand, that is the problem to report, not the options the subcommands require.
            var output = new CommandOutput(parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
            var group = parseResult.CommandResult.Command;
            await output.WriteErrorAsync(
                $"error: choose one of: {string.Join(", ", group.Subcommands.Select(c => c.Name))}.{Environment.NewLine}" +
                $"Run '{CommandPath(group)} --help' for usage.");
            return ExitCodes.BadUsage;
        }
    }
}
