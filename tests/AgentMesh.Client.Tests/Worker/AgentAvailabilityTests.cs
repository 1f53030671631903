using System.Text.Json;
using AgentMesh.Client.Worker;

namespace AgentMesh.Client.Tests.Worker;

/// <summary>A handler that says it cannot work (<see cref="IAgentAvailability"/>) is asked for no task and declines what still comes.</summary>
public sealed class AgentAvailabilityTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unavailable_FromTheStart_PollsForNothingUntilAvailableThenRunsTheTask()
    {
        var node = new FakeNode();
        node.Assign(FakeNode.Assignment("t1"));
        var handler = new SwitchableHandler { Unavailable = "the model's circuit breaker is open" };
        await using var agent = RunningAgent.Start(node, handler);

        await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);
        Assert.Equal(0, node.Polls);
        Assert.Equal(0, handler.Calls);

        handler.Unavailable = null;
        var result = await node.NextResultAsync();

        Assert.Equal(("t1", ResultOutcome.Succeeded), (result.TaskId, result.Outcome));
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task BecomesUnavailable_WhileAPollWaits_DeclinesWhatItBringsWithTheReasonWithoutCallingTheHandler()
    {
        var node = new FakeNode();
        var handler = new SwitchableHandler();
        await using var agent = RunningAgent.Start(node, handler);
        await WaitUntilAsync(() => node.Polls > 0);

        handler.Unavailable = "the model's circuit breaker is open";
        node.Assign(FakeNode.Assignment("t1"));
        var result = await node.NextResultAsync();

        Assert.Equal(("t1", ResultOutcome.Declined), (result.TaskId, result.Outcome));
        Assert.Equal("the model's circuit breaker is open", result.Reason);
        Assert.Equal(0, handler.Calls);
        var polls = node.Polls;
        await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);
        Assert.Equal(polls, node.Polls);
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

        public ValueTask<JsonElement?> HandleAsync(AgentTaskContext context)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult<JsonElement?>(context.Input);
        }
    }
}
