using System.CommandLine;
using Microsoft.Extensions.Configuration;

namespace AgentMesh.Cli.Serve;

/// <summary>
/// The settings a node would read, as a command that works without one reads them: <c>appsettings.json</c> in the
/// current folder, the environment (<c>AgentMesh__…</c>, <c>ConnectionStrings__…</c>), and <c>--AgentMesh:… value</c>
/// tokens after the command.
/// </summary>
internal static class NodeSettings
{
    public static IConfigurationRoot Read(ParseResult result) => new ConfigurationBuilder()
        .SetBasePath(Directory.GetCurrentDirectory())
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine([.. result.UnmatchedTokens])
        .Build();
}
