using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMesh.Client.Worker;

/// <summary>The hosted service: one <see cref="AgentRunner"/> per added agent, all stopped together.</summary>
internal sealed class AgentMeshWorker(
    AgentCatalog catalog,
    IServiceProvider services,
    IOptions<AgentMeshWorkerOptions> options,
    ILoggerFactory loggerFactory,
    TimeProvider timeProvider) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (catalog.Entries.Count == 0)
        {
            WorkerLog.NoAgents(loggerFactory.CreateLogger<AgentMeshWorker>());
            return;
        }

        var client = services.GetRequiredService<AgentMeshClient>();
        var settings = options.Value;
        var runnerOptions = settings.ToRunnerOptions();
        var handlers = catalog.Entries.Select(e => e.CreateHandler(services)).ToArray();
        try
        {
            var runners = catalog.Entries
                .Select((e, i) => new AgentRunner(client, settings.Tenant!, e.Definition, handlers[i], runnerOptions, loggerFactory, timeProvider))
                .ToArray();

            // One agent refused for good stops the others too, so the host sees the failure.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            await Task.WhenAll(runners.Select(r => RunAsync(r, stop)));
        }
        finally
        {
            foreach (var handler in handlers)
            {
                if (handler is IAsyncDisposable asyncDisposable)
                {
                    await asyncDisposable.DisposeAsync();
                }
                else if (handler is IDisposable disposable)
                {
                    disposable.Dispose();
                }
            }
        }
    }

    private static async Task RunAsync(AgentRunner runner, CancellationTokenSource stop)
    {
        try
        {
            await runner.RunAsync(stop.Token);
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
    }
}
