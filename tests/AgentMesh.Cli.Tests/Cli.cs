using System.CommandLine;
using System.Globalization;

namespace AgentMesh.Cli.Tests;

/// <summary>Runs the agentmesh command tree in-process, capturing what it writes.</summary>
internal static class Cli
{
    public static RootCommand Root() => AgentMeshCommands.Create();

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await Root().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
