using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgentMesh.Client.Worker;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Client.Tests.Worker;

public class AgentRunnerTests
{
    [Fact]
    public async Task RunAsync_Assignment_ResultArrivesInBatch()
    {
        var node = new FakeNode();
        node.Assign(FakeNode.Assignment("t1", """{"x":1}"""));
        await using var agent = RunningAgent.Start(node, DelegateHandler.Echo);

        var result = await node.NextResultAsync();

        Assert.Equal("t1", result.TaskId);
        Assert.Equal("lease-t1", result.LeaseToken);
        Assert.Equal(ResultOutcome.Succeeded, result.Outcome);
        Assert.Equal("""{"x":1}""", result.Output!.Value.GetRawText());
    }

    [Fact]
    public async Task RunAsync_HandlerReportsTokenUsage_ResultCarriesTheTotalOnSuccessAndFailure()
    {
        var node = new FakeNode();
        node.Assign(FakeNode.Assignment("t1"));
        node.Assign(FakeNode.Assignment("t2"));
        var handler = new DelegateHandler(context =>
        {
            context.ReportTokenUsage(1000, 200);
            context.ReportTokenUsage(500, 50);
            if (context.TaskId == "t2")
            {
                throw new AgentTaskException("model_error", "the model refused", retryable: false);
            }

            return ValueTask.FromResult<JsonElement?>(null);
        });
        await using var agent = RunningAgent.Start(node, handler);

        var results = new[] { await node.NextResultAsync(), await node.NextResultAsync() }.OrderBy(static r => r.TaskId).ToArray();

        Assert.Equal(ResultOutcome.Succeeded, results[0].Outcome);
        Assert.Equal(new TokenUsage(1500, 250), results[0].Usage);
        Assert.Equal(ResultOutcome.Failed, results[1].Outcome);
        Assert.Equal(new TokenUsage(1500, 250), results[1].Usage);
    }

    [Fact]
    public async Task RunAsync_ManyAssignments_ConcurrencyNeverExceedsMax()
    {
        var node = new FakeNode();
        for (var i = 0; i < 30; i++)
        {
            node.Assign(FakeNode.Assignment($"t{i}"));
        }

        var running = 0;
        var most = 0;
        var handler = new DelegateHandler(async context =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(5, context.CancellationToken);
            Interlocked.Decrement(ref running);
            return null;
        });
        await using var agent = RunningAgent.Start(node, handler, a => { a.MaxConcurrency = 3; a.QueueCapacity = 2; });

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(ResultOutcome.Succeeded, (await node.NextResultAsync()).Outcome);
        }

        Assert.InRange(most, 1, 3);
        Assert.All(node.PollMaxes, max => Assert.InRange(max, 1, 5));
    }

    [Fact]
    public async Task RunAsync_CancellationFromPoll_FiresHandlerToken()
    {
        var node = new FakeNode();
        var started = new TaskCompletionSource();
        var handler = new DelegateHandler(async context =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return null;
        });
        node.Assign(FakeNode.Assignment("t1"));
        await using var agent = RunningAgent.Start(node, handler);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        node.CancelOnPoll("t1");
        var result = await node.NextResultAsync();

        Assert.Equal(ResultOutcome.Failed, result.Outcome);
        Assert.Equal("cancelled", result.Error!.Code);
        Assert.False(result.Retryable);
    }

    [Fact]
    public async Task RunAsync_CancellationFromHeartbeat_FiresHandlerToken()
    {
        var node = new FakeNode();
        var started = new TaskCompletionSource();
        var handler = new DelegateHandler(async context =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return null;
        });
        node.Assign(FakeNode.Assignment("t1"));
        var options = new AgentRunnerOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(20) };
        await using var agent = RunningAgent.Start(node, handler, a => a.MaxConcurrency = 1, options);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        node.CancelOnHeartbeat("t1");
        var result = await node.NextResultAsync();

        Assert.Equal("cancelled", result.Error!.Code);
    }

    [Fact]
    public async Task RunAsync_LeaseLostInHeartbeat_CancelsHandlerAndSendsNoResult()
    {
        var node = new FakeNode();
        var cancelled = new TaskCompletionSource();
        var handler = new DelegateHandler(async context =>
        {
            if (context.TaskId == "t2")
            {
                return null;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            finally
            {
                cancelled.SetResult();
            }

            return null;
        });
        node.Assign(FakeNode.Assignment("t1"));
        var options = new AgentRunnerOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(20) };
        await using var agent = RunningAgent.Start(node, handler, options: options);
        await WaitUntilAsync(() => node.Heartbeats.Any(h => h.Leases.Any(l => l.TaskId == "t1")));

        node.LoseLease("t1");
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        node.Assign(FakeNode.Assignment("t2"));
        var result = await node.NextResultAsync();

        Assert.Equal("t2", result.TaskId);
        Assert.DoesNotContain(node.AllResults, r => r.TaskId == "t1");
    }

    [Fact]
    public async Task RunAsync_Heartbeat_ListsHeldLeases()
    {
        var node = new FakeNode();
        var release = new TaskCompletionSource();
        var handler = new DelegateHandler(async _ =>
        {
            await release.Task;
            return null;
        });
        node.Assign(FakeNode.Assignment("t1"));
        var options = new AgentRunnerOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(20) };
        await using var agent = RunningAgent.Start(node, handler, options: options);

        await WaitUntilAsync(() => node.Heartbeats.Any(h => h.Leases.Contains(new HeldLease("t1", "lease-t1"))));
        release.SetResult();

        Assert.Equal("t1", (await node.NextResultAsync()).TaskId);
    }

    [Fact]
    public async Task RunAsync_ResultConflict_DroppedWithoutRetry()
    {
        var node = new FakeNode { ResultStatus = r => r.TaskId == "t1" ? (409, "lease_conflict") : (200, null) };
        node.Assign(FakeNode.Assignment("t1"));
        await using var agent = RunningAgent.Start(node, DelegateHandler.Echo);
        Assert.Equal("t1", (await node.NextResultAsync()).TaskId);

        node.Assign(FakeNode.Assignment("t2"));
        Assert.Equal("t2", (await node.NextResultAsync()).TaskId);
        await agent.StopAsync();

        Assert.Single(node.AllResults, r => r.TaskId == "t1");
    }

    [Fact]
    public async Task RunAsync_PollConnectionRefused_RetriesWithBackoff()
    {
        var node = new FakeNode
        {
            Fail = (path, polls) => path.EndsWith("/poll", StringComparison.Ordinal) && polls < 2
                ? new HttpRequestException("Connection refused", null, HttpStatusCode.ServiceUnavailable)
                : null,
        };
        node.Assign(FakeNode.Assignment("t1"));
        await using var agent = RunningAgent.Start(node, DelegateHandler.Echo);

        var result = await node.NextResultAsync();

        Assert.Equal("t1", result.TaskId);
        Assert.True(node.Polls >= 3);
    }

    [Fact]
    public async Task RunAsync_NodeAnswersServiceUnavailableWithRetryAfter_EachRetryWaitsThatLong_NotAGrowingBackoff()
    {
        var node = new FakeNode
        {
            PollRefusal = polls => polls < 3
                ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
                {
                    Content = new StringContent("""{"status":503,"code":"no_leader","detail":"The cluster has no leader at the moment; retry shortly."}""", Encoding.UTF8, "application/problem+json"),
                    Headers = { RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1)) },
                }
                : null,
        };
        node.Assign(FakeNode.Assignment("t1"));
        var logs = new CapturedLogs(LogLevel.Information);
        using var factory = logs.Factory();
        await using var agent = RunningAgent.Start(node, DelegateHandler.Echo, loggerFactory: factory);

        await node.NextResultAsync();

        // Full-jitter backoff would wait a random time below 200 ms, 400 ms and 800 ms; the node asked for a second.
        var delays = logs.Entries.Where(e => e.EventId == 102).Select(e => RetryDelay(e.Message)).ToList();
        Assert.Equal(3, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.2)));
    }

    [Theory]
    [InlineData(LogLevel.Information, false)]
    [InlineData(LogLevel.Debug, true)]
    public async Task RunAsync_NodeOutOfReach_WarnsInOneLineNamingTheReason(LogLevel level, bool withStackTrace)
    {
        var node = new FakeNode
        {
            Fail = (path, polls) => path.EndsWith("/poll", StringComparison.Ordinal) && polls < 2
                ? new HttpRequestException("Connection refused (127.0.0.1:5080)")
                : null,
        };
        node.Assign(FakeNode.Assignment("t1"));
        var logs = new CapturedLogs(level);
        using var factory = logs.Factory();
        await using var agent = RunningAgent.Start(node, DelegateHandler.Echo, loggerFactory: factory);

        await node.NextResultAsync();

        var warnings = logs.Entries.Where(e => e.EventId == 102).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w =>
        {
            Assert.Equal(LogLevel.Warning, w.Level);
            Assert.Contains("poll failed (Connection refused (127.0.0.1:5080)); retrying in", w.Message, StringComparison.Ordinal);
            Assert.Equal(withStackTrace, w.Exception is HttpRequestException);
        });
    }

    [Fact]
    public async Task RunAsync_PollFailsUnexpectedly_WarningKeepsTheException()
    {
        var node = new FakeNode
        {
            Fail = (path, polls) => path.EndsWith("/poll", StringComparison.Ordinal) && polls < 1 ? new InvalidOperationException("broken answer") : null,
        };
        node.Assign(FakeNode.Assignment("t1"));
        var logs = new CapturedLogs(LogLevel.Information);
        using var factory = logs.Factory();
        await using var agent = RunningAgent.Start(node, DelegateHandler.Echo, loggerFactory: factory);

        await node.NextResultAsync();

        var warning = Assert.Single(logs.Entries, e => e.EventId == 102);
        Assert.Contains("poll failed (broken answer)", warning.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(warning.Exception);
    }

    [Fact]
    public async Task RunAsync_ResultsServerError_RetriedUntilAccepted()
    {
        var failures = 0;
        var node = new FakeNode();
        node.Fail = (path, _) => path.EndsWith("/results", StringComparison.Ordinal) && Interlocked.Increment(ref failures) <= 2
            ? new HttpRequestException("Connection reset")
            : null;
        node.Assign(FakeNode.Assignment("t1"));
        await using var agent = RunningAgent.Start(node, DelegateHandler.Echo);

        Assert.Equal("t1", (await node.NextResultAsync()).TaskId);
        Assert.Equal(3, failures);
    }

    [Fact]
    public async Task RunAsync_Shutdown_DrainsInFlightAndFlushesResults()
    {
        var node = new FakeNode();
        var started = new TaskCompletionSource();
        var gate = new TaskCompletionSource();
        var handler = new DelegateHandler(async _ =>
        {
            started.SetResult();
            await gate.Task;
            return JsonDocument.Parse("\"done\"").RootElement;
        });
        node.Assign(FakeNode.Assignment("t1"));
        var agent = RunningAgent.Start(node, handler);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        agent.RequestStop();
        Assert.False(agent.Run.IsCompleted);
        gate.SetResult();
        await agent.Run.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        var result = Assert.Single(node.AllResults);
        Assert.Equal(ResultOutcome.Succeeded, result.Outcome);
        Assert.Equal("\"done\"", result.Output!.Value.GetRawText());
        Assert.Equal(AgentRunState.Draining, agent.Runner.State);
    }

    [Fact]
    public async Task RunAsync_ShutdownTimeout_CancelsHandlerAndDeclines()
    {
        var node = new FakeNode();
        var started = new TaskCompletionSource();
        var handler = new DelegateHandler(async context =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return null;
        });
        node.Assign(FakeNode.Assignment("t1"));
        var options = new AgentRunnerOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(50) };
        var agent = RunningAgent.Start(node, handler, options: options);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        await agent.StopAsync();

        var result = Assert.Single(node.AllResults);
        Assert.Equal(ResultOutcome.Declined, result.Outcome);
        Assert.Equal("agent shutting down", result.Reason);
    }

    [Fact]
    public async Task RunAsync_HandlerThrowsNonRetryable_ReportsNotRetryable()
    {
        var node = new FakeNode();
        var handler = new DelegateHandler(_ => throw new AgentTaskException("bad_input", "no text", retryable: false));
        node.Assign(FakeNode.Assignment("t1"));
        await using var agent = RunningAgent.Start(node, handler);

        var result = await node.NextResultAsync();

        Assert.Equal(ResultOutcome.Failed, result.Outcome);
        Assert.Equal(new TaskError("bad_input", "no text"), result.Error);
        Assert.False(result.Retryable);
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_ReportsRetryable()
    {
        var node = new FakeNode();
        var handler = new DelegateHandler(_ => throw new InvalidOperationException("boom"));
        node.Assign(FakeNode.Assignment("t1"));
        await using var agent = RunningAgent.Start(node, handler);

        var result = await node.NextResultAsync();

        Assert.Equal("handler_exception", result.Error!.Code);
        Assert.Equal("InvalidOperationException: boom", result.Error.Message);
        Assert.True(result.Retryable);
    }

    [Fact]
    public async Task RunAsync_MissingCapability_DeclinesWithReason()
    {
        var node = new FakeNode();
        node.Assign(FakeNode.Assignment("t1", requirements: new Requirement("translate", 2)));
        await using var agent = RunningAgent.Start(node, DelegateHandler.Echo);

        var result = await node.NextResultAsync();

        Assert.Equal(ResultOutcome.Declined, result.Outcome);
        Assert.Equal("missing capability 'translate'", result.Reason);
    }

    [Fact]
    public async Task RunAsync_LowScore_DeclinesWithScoreReason()
    {
        var node = new FakeNode();
        node.Assign(FakeNode.Assignment("t1", priority: 1, requirements: new Requirement("echo", 1)));
        await using var agent = RunningAgent.Start(node, DelegateHandler.Echo, a => a.Capabilities[0] = new Capability("echo", 1));

        var result = await node.NextResultAsync();

        Assert.Equal(ResultOutcome.Declined, result.Outcome);
        Assert.Equal("score 0.39 below threshold 0.60", result.Reason);
    }

    [Fact]
    public async Task RunAsync_Traceparent_ContinuesTrace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var traceparent = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01";
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "AgentMesh",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        Activity? seen = null;
        var handler = new DelegateHandler(_ =>
        {
            seen = Activity.Current;
            return ValueTask.FromResult<JsonElement?>(null);
        });
        var node = new FakeNode();
        node.Assign(FakeNode.Assignment("t1", traceparent: traceparent));
        await using var agent = RunningAgent.Start(node, handler);

        await node.NextResultAsync();

        Assert.NotNull(seen);
        Assert.Equal(traceId, seen.TraceId);
        Assert.Equal(ActivityKind.Consumer, seen.Kind);
        Assert.Equal("process echo", seen.DisplayName);
    }

    [Fact]
    public async Task ReportProgressAsync_LeaseConflict_FiresToken()
    {
        var node = new FakeNode { ProgressStatus = HttpStatusCode.Conflict };
        var cancelled = new TaskCompletionSource<bool>();
        var handler = new DelegateHandler(async context =>
        {
            await context.ReportProgressAsync(50, "half");
            cancelled.SetResult(context.CancellationToken.IsCancellationRequested);
            return null;
        });
        node.Assign(FakeNode.Assignment("t1"));
        await using var agent = RunningAgent.Start(node, handler);

        Assert.True(await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        Assert.Equal(new ProgressBody("lease-t1", 50, "half"), Assert.Single(node.Progress));
    }

    [Fact]
    public void Constructor_NoCapabilities_Throws()
    {
        var node = new FakeNode();
        var definition = new AgentDefinition { Id = "agent-1" };

        var exception = Assert.Throws<ArgumentException>(() => new AgentRunner(node.Client(), "acme", definition, DelegateHandler.Echo));

        Assert.Contains("capability", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>The delay of a "retrying in {Delay}" log line.</summary>
    private static TimeSpan RetryDelay(string message)
    {
        const string Marker = "retrying in ";
        var start = message.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length;
        return TimeSpan.Parse(message[start..message.IndexOf(' ', start)], CultureInfo.InvariantCulture);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
