using System.CommandLine;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Serve;
using AgentMesh.Server.Hosting;

namespace AgentMesh.Cli.Bench;

/// <summary>
/// <c>agentmesh bench</c>: submits N no-op tasks, all at once (burn-down) or at a steady rate, to agents in a
/// separate process, waits until every one has succeeded, and prints tasks/s and submit→handler-start latency.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var tasks = new Option<int>("--tasks") { Description = "How many tasks to run.", DefaultValueFactory = static _ => 50_000 };
        var agents = new Option<int>("--agents") { Description = "How many agents (SDK workers) in the agent process.", DefaultValueFactory = static _ => 8 };
        var concurrency = new Option<int>("--concurrency") { Description = "Slots per agent.", DefaultValueFactory = static _ => 64 };
        var rate = new Option<int?>("--rate") { Description = "Submit this many tasks per second, one per request; without it all are submitted at once in batches." };
        var batch = new Option<int>("--batch") { Description = "Tasks per batch request in a burn-down.", DefaultValueFactory = static _ => 1000 };
        var url = new Option<string?>("--url") { Description = "Benchmark a running node instead of starting one (key from --key, AGENTMESH_API_KEY or --data)." };
        var key = new Option<string?>("--key") { Description = "API key for --url, or a system admin key of the database of --store postgres when it is not new." };
        var data = new Option<string>("--data") { Description = "Data folder of the node for --url (finds admin.key).", DefaultValueFactory = static _ => "./data" };
        var synchronous = new Option<string>("--synchronous") { Description = "SQLite durability of the node bench starts: full (default) or normal.", DefaultValueFactory = static _ => "full" };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object on the last line." };
        var warmup = new Option<int?>("--warmup") { Description = "Tasks run the same way first and not measured, so that the node, the agents and the submitter run fully compiled code (default: as many as --tasks in a burn-down, 20 s worth with --rate; at most 50,000)." };
        var stores = new StoreArguments();
        var command = new Command("bench", "Benchmark a node: throughput and submit→start latency with agents in a separate process.")
        {
            tasks, agents, concurrency, rate, batch, url, key, data, synchronous, json, warmup,
        };
        stores.AddTo(command);

        // Anything else (--AgentMesh:Section:Key value) configures the node bench starts.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) =>
        {
            if (stores.Kind(result, Console.Error) is not { } store)
            {
                return 2;
            }

            var settings = new BenchSettings(
                result.GetValue(tasks),
                result.GetValue(agents),
                result.GetValue(concurrency),
                result.GetValue(rate),
                result.GetValue(batch),
                result.GetValue(synchronous)!,
                result.GetValue(json),
                result.GetValue(warmup) ?? DefaultWarmup(result.GetValue(tasks), result.GetValue(rate)),
                [.. stores.ToConfiguration(result), .. result.UnmatchedTokens],
                store,
                result.GetValue(url) is null ? result.GetValue(key) : null);
            if (settings.Tasks < 1 || settings.Warmup < 0 || settings.Agents < 1 || settings.Concurrency is < 1 or > 1000 || settings.Batch is < 1 or > 1000 || settings.Rate is < 1
                || settings.Synchronous is not ("full" or "normal"))
            {
                await Console.Error.WriteLineAsync("bench: --tasks, --agents, --rate must be positive; --concurrency and --batch 1-1000; --synchronous full or normal.");
                return 2;
            }

            var target = result.GetValue(url) is { } external ? NodeConnection.Resolve(external, result.GetValue(key), result.GetValue(data)!) : null;
            return await BenchRun.RunAsync(settings, target, cancellationToken);
        });
        return command;
    }

    /// <summary>
    /// The runtime compiles a method's optimised code only once the method has run a while and no new code has been
    /// compiled for a moment, so a fresh process keeps improving for several seconds under load: measured with a warm-up
    /// of 5,000 tasks, a 50,000-task burn-down ran at about 70 % of its steady rate, and the latency at 1,000 tasks/s had
    /// three times its steady p99. A burn-down as long as the measured one, or 20 s at the measured rate, gets past that.
    /// </summary>
    internal static int DefaultWarmup(int tasks, int? rate) =>
        (int)Math.Min(MaxDefaultWarmup, rate is { } perSecond ? perSecond * 20L : tasks);

    private const int MaxDefaultWarmup = 50_000;
}

internal sealed record BenchSettings(
    int Tasks, int Agents, int Concurrency, int? Rate, int Batch, string Synchronous, bool Json, int Warmup, string[] NodeConfiguration, StoreKind Store, string? Key);
