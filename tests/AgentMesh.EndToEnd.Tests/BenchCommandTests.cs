using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>
/// <c>agentmesh bench</c> as a user runs it: the built command starts its own node and a separate agent process, and
/// reports what it measured. Only that it runs and reports consistently is asserted here — speed is for the benchmarks.
/// </summary>
public class BenchCommandTests
{
    [Fact]
    public async Task BurnDown_WithTheDefaultWarmup_RunsEveryTaskAndReportsAWarmupAsLongAsTheRun()
    {
        var result = await BenchAsync("--tasks", "300", "--agents", "2", "--concurrency", "8");

        Assert.Equal(300, (int)result["tasks"]!);
        Assert.Equal(300, (int)result["warmup"]!);
        Assert.True((double)result["tasksPerSecond"]! > 0, result.ToJsonString());
        AssertLatency(result);
    }

    [Fact]
    public async Task AtARate_SubmitsOneByOneAndReportsTheLatencyOfEveryMeasuredTask()
    {
        var result = await BenchAsync("--tasks", "200", "--rate", "400", "--warmup", "100", "--agents", "2", "--concurrency", "8");

        Assert.Equal(100, (int)result["warmup"]!);
        // 200 tasks submitted at 400/s take at least half a second, so the rate held the submitter back.
        Assert.True((double)result["seconds"]! >= 0.45, result.ToJsonString());
        AssertLatency(result);
    }

    [Fact]
    public async Task BenchKilled_ItsAgentProcessStopsToo()
    {
        using var bench = Processes.Start(Processes.CliDll, ["bench", "--tasks", "100000", "--rate", "100", "--warmup", "0", "--agents", "1", "--concurrency", "4"]);
        var agents = await AgentProcessAsync(bench);
        var scratch = Regex.Match(bench.Output, @"\(embedded SQLite, [^)]*data ([^)]+)\)").Groups[1].Value;

        bench.Process.Kill(entireProcessTree: false);

        await AssertExitsAsync(agents, bench);
        if (scratch.Length > 0 && Directory.Exists(scratch))
        {
            // A killed bench cannot remove its node's data folder.
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public async Task NodeGoneMidRun_BenchFails_AndLeavesNoAgentProcessBehind()
    {
        var data = Directory.CreateTempSubdirectory("agentmesh-bench-node-");
        try
        {
            var url = $"http://127.0.0.1:{Processes.FreePort()}";
            using var node = Processes.Start(Processes.CliDll, ["serve", "--data", data.FullName, "--urls", url]);
            await node.WaitForLineAsync("AgentMesh node listening", TimeSpan.FromMinutes(1));
            using var bench = Processes.Start(Processes.CliDll, ["bench", "--url", url, "--data", data.FullName, "--tasks", "100000", "--rate", "100", "--warmup", "0", "--agents", "1", "--concurrency", "4"]);
            var agents = await AgentProcessAsync(bench);

            node.Kill();

            await WaitForExitAsync(bench, TimeSpan.FromSeconds(30), "bench went on for 30 s after its node was gone");
            Assert.NotEqual(0, bench.Process.ExitCode);
            await AssertExitsAsync(agents, bench);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Waits until the process has exited and its redirected output has been read to the end; fails with
    /// <paramref name="failure"/> and the output so far when that takes longer than <paramref name="within"/>.
    /// </summary>
    private static async Task WaitForExitAsync(ChildProcess process, TimeSpan within, string failure)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(within);
        try
        {
            await process.Process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"{failure}. Output so far:\n{process.Output}");
        }
    }

    /// <summary>The id of the agent process the bench started, from its "agents: … in process N" line.</summary>
    private static async Task<int> AgentProcessAsync(ChildProcess bench)
    {
        await bench.WaitForLineAsync("slots in process ", TimeSpan.FromMinutes(1));
        var agents = int.Parse(Regex.Match(bench.Output, @"slots in process (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(IsRunning(agents), $"the agent process {agents} should be running:\n{bench.Output}");
        return agents;
    }

    private static async Task AssertExitsAsync(int pid, ChildProcess bench)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (IsRunning(pid) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        if (IsRunning(pid))
        {
            Process.GetProcessById(pid).Kill();
            Assert.Fail($"the agent process {pid} was still running 20 s after its bench had gone. Bench output:\n{bench.Output}");
        }
    }

    /// <summary>Whether the process exists and is not a zombie (no longer running, waiting to be reaped).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void AssertLatency(JsonNode result)
    {
        var latency = result["latencyMs"]!;
        double p50 = (double)latency["p50"]!, p90 = (double)latency["p90"]!, p99 = (double)latency["p99"]!, max = (double)latency["max"]!;
        Assert.True(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= max, latency.ToJsonString());
    }

    private static async Task<JsonNode> BenchAsync(params string[] arguments)
    {
        using var bench = Processes.Start(Processes.CliDll, ["bench", .. arguments, "--json"]);
        await WaitForExitAsync(bench, TimeSpan.FromMinutes(2), "bench did not finish within 2 minutes");
        Assert.True(bench.Process.ExitCode == 0, $"bench exited {bench.Process.ExitCode}:\n{bench.Output}");
        var report = bench.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(static line => line.StartsWith("{\"tasks\":", StringComparison.Ordinal));
        Assert.True(report is not null, $"bench printed no JSON report:\n{bench.Output}");
        return JsonNode.Parse(report)!;
    }
}
