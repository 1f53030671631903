using System.Text.Json;
using AgentMesh.Client.Worker;

namespace AgentMesh.Client.Tests.Worker;

/// <summary>A handler that says it cannot work (<see cref="IAgentAvailability"/>) is given no task: the runner declines them.</summary>
public sealed class AgentAvailabilityTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unavailable_DeclinesWhatItIsOfferedWithTheReason_ThenRunsTasksOnceAvailable()
    {
        var node = new FakeNode();
        node.Assign(FakeNode.Assignment("t1"));
        var handler = new SwitchableHandler { Unavailable = "the model's circuit breaker is open" };
        await using var agent = RunningAgent.Start(node, handler);

        var declined = await node.NextResultAsync();
        handler.Unavailable = null;
        node.Assign(FakeNode.Assignment("t2"));
        var ran = await node.NextResultAsync();

        Assert.Equal(("t1", ResultOutcome.Declined, "the model's circuit breaker is open"), (declined.TaskId, declined.Outcome, declined.Reason));
        Assert.Equal(("t2", ResultOutcome.Succeeded), (ran.TaskId, ran.Outcome));
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task BecomesUnavailable_WhileTasksWaitInTheLocalQueue_DeclinesThemInsteadOfRunningThem()
    {
        var node = new FakeNode();
        using var release = new SemaphoreSlim(0);
        var handler = new SwitchableHandler { Blocking = release };
        await using var agent = RunningAgent.Start(node, handler, static a => (a.MaxConcurrency, a.QueueCapacity) = (1, 2));
        foreach (var id in new[] { "t1", "t2", "t3" })
        {
            node.Assign(FakeNode.Assignment(id));
        }

        await WaitUntilAsync(() => handler.Calls == 1 && agent.Runner.InFlight == 3);
        handler.Unavailable = "the model's circuit breaker is open";
        release.Release();
        var results = new[] { await node.NextResultAsync(), await node.NextResultAsync(), await node.NextResultAsync() };

        Assert.Equal(ResultOutcome.Succeeded, results.Single(static r => r.TaskId == "t1").Outcome);
        Assert.All(results.Where(static r => r.TaskId != "t1"), static r => Assert.Equal((ResultOutcome.Declined, "the model's circuit breaker is open"), (r.Outcome, r.Reason)));
        Assert.Equal(1, handler.Calls);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "The condition never held.");
            await Task.Delay(20, Cancellation);
        }
    }

    private sealed class SwitchableHandler : IAgentHandler, IAgentAvailability
    {
        private int _calls;
        private volatile string? _unavailable;

        public int Calls => Volatile.Read(ref _calls);

        public string? Unavailable
        {
            get => _unavailable;
            set => _unavailable = value;
        }

        public string? UnavailableReason => _unavailable;

        /// <summary>When set, each call waits for a release of it before it returns.</summary>
        public SemaphoreSlim? Blocking { get; init; }

        public async ValueTask<JsonElement?> HandleAsync(AgentTaskContext context)
        {
            Interlocked.Increment(ref _calls);
            if (Blocking is { } blocking)
            {
                await blocking.WaitAsync(context.CancellationToken);
            }

            return context.Input;
        }
    }
}
