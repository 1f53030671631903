using System.Globalization;
using AgentMesh.Client;
using AgentMesh.Client.Worker;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Cli.Demo;

/// <summary>Every 2 s, one line: submitted, succeeded, retried, failed, queued, and how busy the agents are.</summary>
internal sealed class DemoStatusLine(
    AgentMeshClient client, string tenant, DemoCounters counters, IReadOnlyList<AgentRunner> runners, int slots, TextWriter output, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private const int QueuedLimit = 1000;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await output.WriteLineAsync(await LineAsync(time.GetElapsedTime(started), cancellationToken));
                await output.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<string> LineAsync(TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var queued = "?";
        try
        {
            var page = await client.ListTasksAsync(tenant, new TaskQuery { Status = MeshTaskStatus.Queued, Limit = QueuedLimit }, cancellationToken);
            queued = page.NextCursor is null ? page.Items.Count.ToString(CultureInfo.InvariantCulture) : $"{QueuedLimit}+";
        }
        catch (Exception exception) when (exception is AgentMeshApiException or HttpRequestException)
        {
            DemoLog.StatusUnavailable(logger, exception);
        }

        var seconds = (int)Math.Round(elapsed.TotalSeconds);
        var inFlight = runners.Sum(r => r.InFlight);
        var busyAgents = runners.Count(r => r.InFlight > 0);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[{seconds / 60:00}:{seconds % 60:00}] submitted {counters.SubmittedCount} (+{counters.DeduplicatedCount} idempotent repeats)" +
            $" · succeeded {counters.SucceededCount} · retried {counters.RetriedCount} · failed {counters.FailedCount} · expired {counters.ExpiredCount}" +
            $" · queued {queued} · busy {busyAgents}/{runners.Count} agents, {inFlight}/{slots} slots");
    }
}
