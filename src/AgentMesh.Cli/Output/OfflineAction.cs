using System.CommandLine;
using System.CommandLine.Invocation;
using AgentMesh.Cli.Audit;

namespace AgentMesh.Cli.Output;

/// <summary>
/// Runs a command that works without a node (<c>keys …</c>, <c>migrate</c>) and turns how it ended into an exit code:
/// bad usage 2, work that could not be done 4 (the reason names the setting), work done but not audited 5. Tokens it does
/// not know are left to the command as <c>--AgentMesh:… value</c> settings.
/// </summary>
internal sealed class OfflineAction(Func<ParseResult, CommandOutput, CancellationToken, Task> run) : AsynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public static void Set(Command command, Func<ParseResult, CommandOutput, CancellationToken, Task> run)
    {
        command.TreatUnmatchedTokensAsErrors = false;
        command.Action = new OfflineAction(run);
    }

    public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = new CommandOutput(parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
        if (await Usage.ReportParseErrorsAsync(parseResult, output))
        {
            return ExitCodes.BadUsage;
        }

        try
        {
            await run(parseResult, output, cancellationToken);
            return ExitCodes.Ok;
        }
        catch (UsageException exception)
        {
            await output.WriteErrorAsync($"error: {exception.Message}");
            return ExitCodes.BadUsage;
        }
        catch (InvalidOperationException exception)
        {
            await output.WriteErrorAsync($"error: {exception.Message}");
            return ExitCodes.Failed;
        }
        catch (UnauditedException exception)
        {
            await output.WriteErrorAsync($"error: {exception.Message}");
            return ExitCodes.Unaudited;
        }
    }
}
