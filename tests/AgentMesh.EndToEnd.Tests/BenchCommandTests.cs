using System.Text.Json.Nodes;

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

    private static void AssertLatency(JsonNode result)
    {
        var latency = result["latencyMs"]!;
        double p50 = (double)latency["p50"]!, p90 = (double)latency["p90"]!, p99 = (double)latency["p99"]!, max = (double)latency["max"]!;
        Assert.True(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= max, latency.ToJsonString());
    }

    private static async Task<JsonNode> BenchAsync(params string[] arguments)
    {
        using var bench = Processes.Start(Processes.CliDll, ["bench", .. arguments, "--json"]);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            // Returns once the process has exited and its redirected output has been read to the end.
            await bench.Process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"bench did not finish within 2 minutes. Output so far:\n{bench.Output}");
        }

        Assert.True(bench.Process.ExitCode == 0, $"bench exited {bench.Process.ExitCode}:\n{bench.Output}");
        var report = bench.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(static line => line.StartsWith("{\"tasks\":", StringComparison.Ordinal));
        Assert.True(report is not null, $"bench printed no JSON report:\n{bench.Output}");
        return JsonNode.Parse(report)!;
    }
}
