using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AgentMesh.Cli.Connection;
using AgentMesh.Client;
using AgentMesh.Client.Worker;

namespace AgentMesh.Cli.Bench;

/// <summary>
/// <c>agentmesh bench-agents</c> (hidden): the agent side of a benchmark, run as its own process. K SDK
/// agents with no-op handlers; each handler start records submit→start latency from the task's input
/// (<c>t</c>, a <see cref="Stopwatch"/> timestamp: the system-wide monotonic clock, comparable across
/// processes on one machine). After the expected number of tasks it drains, writes the samples and exits.
/// Its standard input is a pipe from the bench that started it: when that closes (the bench ended or was killed
/// before the run did), the agents stop and the process exits with 1, instead of polling on for nobody.
/// </summary>
internal static class BenchAgentsCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Required = true };
        var key = new Option<string>("--key") { Required = true };
        var tenant = new Option<string>("--tenant") { Required = true };
        var agents = new Option<int>("--agents") { DefaultValueFactory = static _ => 8 };
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = static _ => 64 };
        var expect = new Option<int>("--expect") { Required = true };
        var output = new Option<string>("--out") { Required = true };
        var skip = new Option<int>("--skip") { Description = "Samples of the first tasks (the warm-up) to leave out." };
        var command = new Command("bench-agents", "Runs benchmark agents (used by 'agentmesh bench').") { url, key, tenant, agents, concurrency, expect, output, skip };
        command.Hidden = true;
        command.SetAction(async (result, cancellationToken) =>
        {
            var handler = new NoOpHandler(result.GetValue(expect));
            using var client = new NodeConnection(NodeConnection.ParseNodes(result.GetValue(url)!), result.GetValue(key)).CreateClient();
            using var benchGone = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            CancelWhenInputCloses(benchGone);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var options = new AgentRunnerOptions { PollWaitSeconds = 20, ShutdownTimeout = TimeSpan.FromSeconds(30) };
            options.Autonomy.Enabled = false;
            var runners = Enumerable.Range(0, result.GetValue(agents)).Select(i =>
            {
                var definition = new AgentDefinition { Id = $"bench-{i:D4}", Name = $"bench agent {i}", MaxConcurrency = result.GetValue(concurrency) };
                definition.Capabilities.Add(new Capability("noop", 3));
                return new AgentRunner(client, result.GetValue(tenant)!, definition, handler, options);
            }).ToList();
            var running = runners.Select(r => r.RunAsync(stop.Token)).ToList();
            await Console.Out.WriteLineAsync("ready");
            try
            {
                await handler.AllStarted.WaitAsync(benchGone.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("bench-agents: the bench that started these agents has gone; stopping.");
                await stop.CancelAsync();
                await Task.WhenAll(running);
                return 1;
            }

            // Let the last results leave before draining: the runners flush on stop, this just avoids racing them.
            while (runners.Any(static r => r.InFlight > 0) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(5, CancellationToken.None);
            }

            await stop.CancelAsync();
            await Task.WhenAll(running);
            await File.WriteAllLinesAsync(result.GetValue(output)!, handler.Samples.Skip(result.GetValue(skip)).Select(static s => s.ToString("R", CultureInfo.InvariantCulture)), CancellationToken.None);
            return 0;
        });
        return command;
    }

    /// <summary>Reads standard input on a thread of its own (reads of it block) and cancels once it reaches its end.</summary>
    private static void CancelWhenInputCloses(CancellationTokenSource source)
    {
        var input = Console.OpenStandardInput();
        var reader = new Thread(() =>
        {
            var buffer = new byte[256];
            try
            {
                while (input.Read(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
            }

            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run ended first.
            }
        })
        {
            IsBackground = true,
            Name = "bench-agents stdin",
        };
        reader.Start();
    }

    private sealed class NoOpHandler(int expected) : IAgentHandler
    {
        private readonly TaskCompletionSource _allStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly double[] _samples = new double[expected];
        private int _count;

        public Task AllStarted => _allStarted.Task;

        public IEnumerable<double> Samples => _samples.Take(Math.Min(Volatile.Read(ref _count), _samples.Length));

        public ValueTask<JsonElement?> HandleAsync(AgentTaskContext context)
        {
            var now = Stopwatch.GetTimestamp();
            var index = Interlocked.Increment(ref _count) - 1;
            if (index < _samples.Length && context.Input.ValueKind == JsonValueKind.Object && context.Input.TryGetProperty("t", out var submitted))
            {
                _samples[index] = Stopwatch.GetElapsedTime(submitted.GetInt64(), now).TotalMilliseconds;
            }

            if (index == _samples.Length - 1)
            {
                _allStarted.TrySetResult();
            }

            return ValueTask.FromResult<JsonElement?>(null);
        }
    }
}
