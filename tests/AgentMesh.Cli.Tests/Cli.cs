using System.CommandLine;
using System.Globalization;
using AgentMesh.Cli.Agents;
using AgentMesh.Cli.Events;
using AgentMesh.Cli.Keys;
using AgentMesh.Cli.Serve;
using AgentMesh.Cli.Status;
using AgentMesh.Cli.Tasks;
using AgentMesh.Cli.Tenants;

namespace AgentMesh.Cli.Tests;

/// <summary>Runs the agentmesh command tree in-process, capturing what it writes.</summary>
internal static class Cli
{
    public static RootCommand Root() => new("agentmesh")
    {
        ServeCommand.Create(),
        TenantCommands.Create(),
        KeyCommands.Create(),
        AgentCommands.Create(),
        TaskCommands.Create(),
        EventCommands.Create(),
        StatusCommand.Create(),
    };

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await Root().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
