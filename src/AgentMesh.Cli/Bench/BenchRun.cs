using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Serve;
using AgentMesh.Client;
using AgentMesh.Server.Hosting;

namespace AgentMesh.Cli.Bench;

/// <summary>One benchmark run: a node (its own, or the one at --url), the agent process, the submitter, the result.</summary>
internal static class BenchRun
{
    public static async Task<int> RunAsync(BenchSettings settings, NodeConnection? target, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("agentmesh-bench-");
        Microsoft.AspNetCore.Builder.WebApplication? node = null;
        Process? agents = null;
        try
        {
            if (target is null)
            {
                // A cluster node needs a key file it shares with its peers; unless told otherwise the bench's node gets a new
                // one of its own (so a database of an earlier run needs that run's key file, or a new database).
                var keyFile = Path.Combine(scratch.FullName, "encryption.keys");
                string[] keys = [];
                if (settings.Store == StoreKind.Postgres && !settings.NodeConfiguration.Any(static t => t.StartsWith("--AgentMesh:Encryption", StringComparison.OrdinalIgnoreCase)))
                {
                    AgentMesh.Protection.PayloadKeyFile.AddKey(keyFile);
                    keys = ["--AgentMesh:Encryption:KeyFile", keyFile];
                }

                // Likewise the audit log's checkpoint signing and subject keys: files of the bench's own, made at start.
                if (settings.Store == StoreKind.Postgres && !settings.NodeConfiguration.Any(static t => t.StartsWith("--AgentMesh:Audit:S", StringComparison.OrdinalIgnoreCase)))
                {
                    keys = [.. keys, "--AgentMesh:Audit:SigningKeyFile", Path.Combine(scratch.FullName, "audit-signing.key"),
                        "--AgentMesh:Audit:SubjectKeyFile", Path.Combine(scratch.FullName, "audit-subjects.key")];
                }

                node = ServeCommand.Build(
                    scratch.FullName,
                    "http://127.0.0.1:0",
                    ["--Logging:LogLevel:Default", "Warning", "--AgentMesh:Sqlite:Synchronous", settings.Synchronous, "--AgentMesh:RateLimits:Enabled", "false", .. keys, .. settings.NodeConfiguration],
                    configure: null);
                await node.StartAsync(cancellationToken);
                var address = ServeCommand.ListeningAddress(node);
                var adminKey = Path.Combine(scratch.FullName, NodeConnection.KeyFile);
                var key = settings.Key ?? (File.Exists(adminKey) ? (await File.ReadAllTextAsync(adminKey, cancellationToken)).Trim() : null);
                if (key is null)
                {
                    await Console.Error.WriteLineAsync("bench: the database already holds keys, so the node made no admin key: pass --key <a system admin key of that database>, or use a new database.");
                    return 2;
                }

                target = new NodeConnection([new Uri(address)], key);
                Say(settings, settings.Store == StoreKind.Postgres
                    ? $"node: {address} (PostgreSQL, data {scratch.FullName})"
                    : $"node: {address} (embedded SQLite, synchronous={settings.Synchronous}, data {scratch.FullName})");
            }

            using var client = target.CreateClient();
            var tenant = "bench-" + Guid.NewGuid().ToString("N")[..8];
            await client.CreateTenantAsync(new TenantCreation { Id = tenant, Name = "benchmark" }, cancellationToken);
            var samplesFile = Path.Combine(scratch.FullName, "latency.txt");
            agents = StartAgents(target, tenant, settings, samplesFile);
            await WaitForLineAsync(agents, "ready", cancellationToken);
            Say(settings, $"agents: {settings.Agents} × {settings.Concurrency} slots in process {agents.Id}; submitting {settings.Tasks} tasks {(settings.Rate is { } r ? $"at {r}/s" : "at once")}");

            if (settings.Warmup > 0)
            {
                Say(settings, $"warming up with {settings.Warmup} tasks (not measured)");
                await SubmitAsync(client, tenant, settings, settings.Warmup, cancellationToken);
                await WaitUntilFinishedAsync(client, tenant, cancellationToken);
            }

            var started = Stopwatch.GetTimestamp();
            await SubmitAsync(client, tenant, settings, settings.Tasks, cancellationToken);
            Say(settings, $"submitted in {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s; waiting for every task to succeed");
            await WaitUntilFinishedAsync(client, tenant, cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await agents.WaitForExitAsync(cancellationToken);
            var failed = await CountAsync(client, tenant, MeshTaskStatus.DeadLettered, cancellationToken)
                + await CountAsync(client, tenant, MeshTaskStatus.Failed, cancellationToken);
            var samples = (await File.ReadAllLinesAsync(samplesFile, cancellationToken)).Select(static l => double.Parse(l, CultureInfo.InvariantCulture)).ToList();
            var latency = LatencySummary.From(samples);
            Report(settings, seconds, latency, failed);
            return failed == 0 ? 0 : 1;
        }
        finally
        {
            // A run that failed (the node went away, say) does not leave its agents working for nobody.
            if (agents is not null)
            {
                try
                {
                    agents.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It had exited already.
                }

                agents.Dispose();
            }

            if (node is not null)
            {
                await node.StopAsync(CancellationToken.None);
                await node.DisposeAsync();
            }

            try
            {
                scratch.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static Task SubmitAsync(AgentMeshClient client, string tenant, BenchSettings settings, int count, CancellationToken cancellationToken) =>
        settings.Rate is { } perSecond
            ? SubmitAtRateAsync(client, tenant, count, perSecond, cancellationToken)
            : SubmitAllAsync(client, tenant, count, settings.Batch, cancellationToken);

    private static async Task SubmitAllAsync(AgentMeshClient client, string tenant, int total, int batch, CancellationToken cancellationToken)
    {
        // A few batches in flight at once: the node groups their commits.
        using var gate = new SemaphoreSlim(4);
        var sends = new List<Task>();
        for (var offset = 0; offset < total; offset += batch)
        {
            var count = Math.Min(batch, total - offset);
            await gate.WaitAsync(cancellationToken);
            sends.Add(SendAsync(count));
        }

        await Task.WhenAll(sends);

        async Task SendAsync(int count)
        {
            try
            {
                var stamp = Stopwatch.GetTimestamp();
                var submissions = Enumerable.Range(0, count).Select(_ => Submission(stamp)).ToList();
                await client.SubmitTasksAsync(tenant, submissions, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>One task a request, at the rate; the first submission that fails ends the run with its exception.</summary>
    private static async Task SubmitAtRateAsync(AgentMeshClient client, string tenant, int total, int perSecond, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(256);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sends = new List<Task>(total);
        var origin = Stopwatch.GetTimestamp();
        try
        {
            for (var i = 0; i < total; i++)
            {
                var due = TimeSpan.FromSeconds((double)i / perSecond);
                var wait = due - Stopwatch.GetElapsedTime(origin);
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, failed.Token);
                }

                await gate.WaitAsync(failed.Token);
                sends.Add(SendOneAsync());
            }
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A submission failed: stop submitting; awaiting the sends below throws its exception.
        }

        await Task.WhenAll(sends);

        async Task SendOneAsync()
        {
            try
            {
                await client.SubmitTaskAsync(tenant, Submission(Stopwatch.GetTimestamp()), cancellationToken);
            }
            catch
            {
                await failed.CancelAsync();
                throw;
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private static TaskSubmission Submission(long stamp) => new()
    {
        Type = "noop",
        Input = JsonSerializer.SerializeToElement(new JsonObject { ["t"] = stamp }, BenchJsonContext.Default.JsonObject),
        Requirements = [new Requirement("noop", 1)],
    };

    /// <summary>Done when nothing is queued, pending or running any more (each check is one indexed query).</summary>
    private static async Task WaitUntilFinishedAsync(AgentMeshClient client, string tenant, CancellationToken cancellationToken)
    {
        MeshTaskStatus[] unfinished = [MeshTaskStatus.Queued, MeshTaskStatus.Running, MeshTaskStatus.Pending];
        while (true)
        {
            var any = false;
            foreach (var status in unfinished)
            {
                var page = await client.ListTasksAsync(tenant, new TaskQuery { Status = status, Limit = 1 }, cancellationToken);
                if (page.Items.Count > 0)
                {
                    any = true;
                    break;
                }
            }

            if (!any)
            {
                return;
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    private static async Task<int> CountAsync(AgentMeshClient client, string tenant, MeshTaskStatus status, CancellationToken cancellationToken) =>
        (await client.ListTasksAsync(tenant, new TaskQuery { Status = status, Limit = 1000 }, cancellationToken)).Items.Count;

    private static Process StartAgents(NodeConnection target, string tenant, BenchSettings settings, string samplesFile)
    {
        // Standard input is a pipe from this process: the agents stop when it closes, even if this process is killed.
        var info = new ProcessStartInfo { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        var self = Environment.ProcessPath!;
        info.FileName = self;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var argument in new[]
        {
            "bench-agents", "--url", target.Addresses(), "--key", target.Key ?? string.Empty, "--tenant", tenant,
            "--agents", settings.Agents.ToString(CultureInfo.InvariantCulture), "--concurrency", settings.Concurrency.ToString(CultureInfo.InvariantCulture),
            "--expect", (settings.Warmup + settings.Tasks).ToString(CultureInfo.InvariantCulture),
            "--skip", settings.Warmup.ToString(CultureInfo.InvariantCulture), "--out", samplesFile,
        })
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("Could not start the agent process.");
    }

    private static async Task WaitForLineAsync(Process process, string line, CancellationToken cancellationToken)
    {
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } read)
        {
            if (read == line)
            {
                return;
            }
        }

        throw new InvalidOperationException($"The agent process exited ({process.ExitCode}) before it was ready.");
    }

    private static void Say(BenchSettings settings, string line)
    {
        if (!settings.Json)
        {
            Console.WriteLine(line);
        }
    }

    private static void Report(BenchSettings settings, double seconds, LatencySummary latency, int failed)
    {
        var perSecond = Math.Round(settings.Tasks / seconds, 1);
        if (!settings.Json)
        {
            Console.WriteLine($"{settings.Tasks} tasks by {settings.Agents} agents in {seconds:F2} s: {perSecond:F0} tasks/s{(failed > 0 ? $", {failed} did not succeed" : string.Empty)}");
            Console.WriteLine($"submit → handler start: p50 {latency.P50:F2} ms, p90 {latency.P90:F2} ms, p99 {latency.P99:F2} ms, max {latency.Max:F2} ms");
        }

        var result = new JsonObject
        {
            ["tasks"] = settings.Tasks,
            ["agents"] = settings.Agents,
            ["warmup"] = settings.Warmup,
            ["seconds"] = Math.Round(seconds, 3),
            ["tasksPerSecond"] = perSecond,
            ["latencyMs"] = new JsonObject { ["p50"] = latency.P50, ["p90"] = latency.P90, ["p99"] = latency.P99, ["max"] = latency.Max },
        };
        Console.WriteLine(result.ToJsonString());
    }
}
