using AgentMesh.Client.Worker;
using Microsoft.Extensions.Time.Testing;

namespace AgentMesh.Client.Tests.Worker;

public sealed class HandlerBreakerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Failures_BelowTheThreshold_KeepItClosed()
    {
        var breaker = Breaker();
        for (var i = 0; i < 2; i++)
        {
            Assert.False(breaker.Record(success: false));
        }

        Assert.True(breaker.TryTake(out _));
        Assert.Equal(HandlerBreakerState.Closed, breaker.State);
    }

    [Fact]
    public void ASuccess_ResetsTheCount()
    {
        var breaker = Breaker();
        breaker.Record(success: false);
        breaker.Record(success: false);
        breaker.Record(success: true);
        breaker.Record(success: false);
        breaker.Record(success: false);

        Assert.Equal(HandlerBreakerState.Closed, breaker.State);
    }

    [Fact]
    public void ThresholdReached_Opens_AndRefusesWorkUntilTheBreakEnds()
    {
        var breaker = Breaker();
        breaker.Record(success: false);
        breaker.Record(success: false);

        Assert.True(breaker.Record(success: false));
        Assert.Equal(HandlerBreakerState.Open, breaker.State);
        Assert.False(breaker.TryTake(out var reason));
        Assert.Contains("circuit open", reason, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(breaker.TryTake(out _));
    }

    [Fact]
    public void AfterTheBreak_OneTrialOnly_ThenASuccessCloses()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(HandlerBreakerState.HalfOpen, breaker.State);
        Assert.True(breaker.TryTake(out _));
        Assert.False(breaker.TryTake(out _));
        breaker.Record(success: true);

        Assert.Equal(HandlerBreakerState.Closed, breaker.State);
        Assert.True(breaker.TryTake(out _));
        Assert.True(breaker.TryTake(out _));
    }

    [Fact]
    public void AfterTheBreak_AFailedTrial_OpensAgainAtOnce()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(breaker.TryTake(out _));

        Assert.True(breaker.Record(success: false));

        Assert.Equal(HandlerBreakerState.Open, breaker.State);
        Assert.False(breaker.TryTake(out _));
    }

    [Fact]
    public void ATrialThatNeverRan_IsGivenBack()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(breaker.TryTake(out _));

        breaker.Untake();

        Assert.True(breaker.TryTake(out _));
    }

    [Fact]
    public void Disabled_NeverOpens()
    {
        var breaker = new HandlerBreaker(new HandlerBreakerOptions { Enabled = false, FailureThreshold = 1 }, _time);

        Assert.False(breaker.Record(success: false));
        Assert.True(breaker.TryTake(out _));
    }

    [Fact]
    public async Task Runner_HandlerKeepsThrowing_DeclinesWorkOnceTheBreakerOpens()
    {
        var node = new FakeNode();
        for (var i = 0; i < 5; i++)
        {
            node.Assign(FakeNode.Assignment($"t{i}"));
        }

        var handler = new DelegateHandler(static _ => throw new InvalidOperationException("the model endpoint is down"));
        var options = new AgentRunnerOptions { Breaker = new HandlerBreakerOptions { FailureThreshold = 3, BreakDuration = TimeSpan.FromMinutes(5) } };
        await using var agent = RunningAgent.Start(node, handler, a => a.MaxConcurrency = 1, options);

        var results = new List<TaskResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await node.NextResultAsync());
        }

        Assert.Equal(3, results.Count(static r => r.Outcome == ResultOutcome.Failed));
        var declined = results.Where(static r => r.Outcome == ResultOutcome.Declined).ToList();
        Assert.Equal(2, declined.Count);
        Assert.All(declined, static r => Assert.Contains("circuit open", r.Reason, StringComparison.Ordinal));
        Assert.Equal(HandlerBreakerState.Open, agent.Runner.BreakerState);
    }

    private HandlerBreaker Breaker() => new(new HandlerBreakerOptions { FailureThreshold = 3, BreakDuration = TimeSpan.FromSeconds(10) }, _time);

    private HandlerBreaker Opened()
    {
        var breaker = Breaker();
        for (var i = 0; i < 3; i++)
        {
            breaker.Record(success: false);
        }

        return breaker;
    }
}
