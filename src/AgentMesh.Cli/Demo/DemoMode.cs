using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Events;
using AgentMesh.Cli.Serve;
using AgentMesh.Client;
using AgentMesh.Client.Worker;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Cli.Demo;

/// <summary>
/// <c>agentmesh serve --demo</c>: the node, plus tenant <c>demo</c> with four sample agents run in this process over
/// real HTTP, a steady workload, and a status line every 2 s, until Ctrl+C.
/// </summary>
internal static class DemoMode
{
    public const string Tenant = "demo";

    /// <summary>Node settings for the demo; the user's own tokens come after and win.</summary>
    public static readonly string[] NodeArguments =
    [
        "--Logging:LogLevel:Default", "Warning",

        // The demo fails tasks on purpose; the status line counts the retries, a warning for each would bury it.
        "--Logging:LogLevel:AgentMesh.Client.Worker", "Error",
    ];

    private static readonly TimeSpan AgentShutdownTimeout = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(WebApplication app, string dataPath, TextWriter output, CancellationToken cancellationToken)
    {
        var address = await ServeCommand.StartAsync(app, dataPath, output, cancellationToken);
        var adminKey = (await File.ReadAllTextAsync(Path.Combine(dataPath, NodeConnection.KeyFile), cancellationToken)).Trim();
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger(typeof(DemoMode));
        var time = TimeProvider.System;
        using var client = AgentMeshClient.Create(new Uri(address), adminKey, loggerFactory);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);

        await EnsureTenantAsync(client, stop.Token);

        // Count outcomes from here on, not those of earlier runs on the same data folder.
        var since = await EventWatermark.ReadAsync(client, Tenant, stop.Token);
        var agents = DemoAgents.Create();
        var options = new AgentRunnerOptions { ShutdownTimeout = AgentShutdownTimeout, Autonomy = { Enabled = false } };
        var runners = agents.Select(a => new AgentRunner(client, Tenant, a, new DemoHandler(time), options, loggerFactory, time)).ToList();
        await WriteBannerAsync(output, address, dataPath, agents);

        var counters = new DemoCounters();
        var slots = agents.Sum(a => a.MaxConcurrency);
        Task[] work =
        [
            .. runners.Select(r => RunAgentAsync(r, logger, stop.Token)),
            CountAsync(client, counters, since, stop.Token),
            new DemoWorkload(client, Tenant, counters, time, logger).RunAsync(stop.Token),
            new DemoStatusLine(client, Tenant, counters, runners, slots, output, time, logger).RunAsync(stop.Token),
        ];
        await Task.WhenAll(work);

        await output.WriteLineAsync(
            $"Demo stopped: {counters.SubmittedCount} submitted, {counters.SucceededCount} succeeded, {counters.RetriedCount} retried, {counters.FailedCount} failed.");
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    private static async Task EnsureTenantAsync(AgentMeshClient client, CancellationToken cancellationToken)
    {
        try
        {
            await client.GetTenantAsync(Tenant, cancellationToken);
        }
        catch (AgentMeshApiException exception) when (exception.Code == "tenant_not_found")
        {
            await client.CreateTenantAsync(new TenantCreation { Id = Tenant, Name = "Demo" }, cancellationToken);
        }
    }

    private static async Task RunAgentAsync(AgentRunner runner, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunAsync(cancellationToken);
        }
        catch (AgentMeshApiException exception)
        {
            // A refused agent (say, terminated in an earlier run) leaves the others working.
            DemoLog.AgentStopped(logger, runner.AgentId, exception);
        }
    }

    private static async Task CountAsync(AgentMeshClient client, DemoCounters counters, long since, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var meshEvent in client.StreamEventsAsync(Tenant, DemoCounters.EventTypes, since, cancellationToken))
            {
                counters.Record(meshEvent);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static async Task WriteBannerAsync(TextWriter output, string address, string dataPath, IReadOnlyList<AgentDefinition> agents)
    {
        var data = string.Equals(Path.GetFullPath("./data"), dataPath, StringComparison.Ordinal) ? "" : $" --data {dataPath}";
        await output.WriteLineAsync($"""

            AgentMesh demo
              node      {address}
              docs      {address}/docs
              tenant    {Tenant}
              agents    {string.Join(", ", agents.Select(DemoAgents.Describe))}
              workload  about 15 tasks/s of summarize, translate and echo, until Ctrl+C

            In another terminal:
              agentmesh events tail --tenant {Tenant}{data}
              agentmesh task list --tenant {Tenant}{data}
              agentmesh status --tenant {Tenant}{data}

            """);
    }
}
