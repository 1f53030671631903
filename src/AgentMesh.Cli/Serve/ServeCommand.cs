using System.CommandLine;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Demo;
using AgentMesh.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentMesh.Cli.Serve;

/// <summary><c>agentmesh serve</c>: runs a node, on the embedded store unless told otherwise.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data folder for the embedded database and admin.key.", DefaultValueFactory = static _ => "./data" };
        var urls = new Option<string>("--urls") { Description = "Address to listen on.", DefaultValueFactory = static _ => NodeOptions.DefaultUrl };
        var demo = new Option<bool>("--demo") { Description = "Also run sample agents and a steady workload in tenant 'demo', to watch tasks flow." };
        var stores = new StoreArguments();
        var command = new Command("serve", "Run an AgentMesh node (embedded SQLite store by default; --store postgres for a cluster node).") { data, urls, demo };
        stores.AddTo(command);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) =>
        {
            var dataPath = Path.GetFullPath(result.GetValue(data)!);
            string[] passThrough = result.GetValue(demo)
                ? [.. DemoMode.NodeArguments, .. stores.ToConfiguration(result), .. result.UnmatchedTokens]
                : [.. stores.ToConfiguration(result), .. result.UnmatchedTokens];
            await using var app = Build(dataPath, result.GetValue(urls)!, passThrough, configure: null);
            if (result.GetValue(demo))
            {
                return await DemoMode.RunAsync(app, dataPath, result.InvocationConfiguration.Output, cancellationToken);
            }

            await RunAsync(app, dataPath, cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>A node on <paramref name="dataPath"/>; extra <c>--Section:Key value</c> tokens reach its configuration.</summary>
    public static WebApplication Build(string dataPath, string urls, string[] extra, Action<WebApplicationBuilder>? configure)
    {
        string[] args = ["--urls", urls, "--AgentMesh:Node:DataPath", dataPath, .. extra];
        return AgentMeshNode.Build(args, configure);
    }

    /// <summary>Starts the node, records its address in the data folder for the CLI, and runs until stopped.</summary>
    public static async Task RunAsync(WebApplication app, string dataPath, CancellationToken cancellationToken)
    {
        await StartAsync(app, dataPath, Console.Out, cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
    }

    /// <summary>Starts the node, records its address in the data folder for the CLI, and says where it listens.</summary>
    /// <returns>The address it listens on.</returns>
    public static async Task<string> StartAsync(WebApplication app, string dataPath, TextWriter output, CancellationToken cancellationToken)
    {
        await app.StartAsync(cancellationToken);
        var address = ListeningAddress(app);
        await File.WriteAllTextAsync(Path.Combine(dataPath, NodeConnection.UrlFile), address, CancellationToken.None);
        await output.WriteLineAsync($"AgentMesh node listening on {address} (data: {dataPath})");
        await output.WriteLineAsync($"  API docs: {address}/docs   OpenAPI: {address}/openapi/v1.json   health: {address}/health/ready");
        return address;
    }

    public static string ListeningAddress(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
}
