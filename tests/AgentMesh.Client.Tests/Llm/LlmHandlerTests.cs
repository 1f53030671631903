using System.Diagnostics;
using AgentMesh.Client.Worker;
using LlmAgent;

namespace AgentMesh.Client.Tests.Llm;

public class LlmHandlerTests
{
    [Fact]
    public async Task HandleAsync_TransientFailuresTwiceThenSuccess_ReturnsTheTextAndReportsTheUsage()
    {
        await using var model = await FakeModel.StartAsync();
        model.Answer = static call => call switch
        {
            1 => ModelAnswer.Error(503),
            2 => ModelAnswer.Error(429),
            _ => ModelAnswer.Completion("hello from the model", 12, 5),
        };
        await using var agent = new LlmAgentUnderTest(model, LlmAgentUnderTest.Seconds(("RetryBaseDelay", 0.05)));
        var context = agent.Context("""{"prompt":"say hello","system":"be brief"}""");

        var output = await agent.RunAsync(context);

        Assert.Equal(3, model.Calls);
        Assert.Equal("hello from the model", output!.Value.GetProperty("text").GetString());
        Assert.Equal("fake-model-1", output.Value.GetProperty("model").GetString());
        Assert.Equal(new TokenUsage(12, 5), context.Usage);
        Assert.All(model.Requests, static body =>
        {
            Assert.Contains("\"model\":\"fake-model\"", body, StringComparison.Ordinal);
            Assert.Contains("be brief", body, StringComparison.Ordinal);
            Assert.Contains("say hello", body, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    public async Task HandleAsync_ModelRefusesTheRequest_FailsNotRetryableAfterOneCall(int status)
    {
        await using var model = await FakeModel.StartAsync();
        model.Answer = _ => ModelAnswer.Error(status);
        await using var agent = new LlmAgentUnderTest(model, LlmAgentUnderTest.Seconds(("RetryBaseDelay", 0.05)));
        var context = agent.Context();

        var failure = await agent.FailAsync(context);

        Assert.Equal(LlmFailure.Rejected, failure.Code);
        Assert.False(failure.Retryable);
        Assert.Equal(1, model.Calls);
        Assert.Null(context.Usage);
    }

    [Fact]
    public async Task HandleAsync_ModelKeepsFailing_FailsRetryableThenTheOpenBreakerFailsFastThenOneTrialGoesThrough()
    {
        using var metrics = new PollyEvents();
        await using var model = await FakeModel.StartAsync();
        model.Answer = static _ => ModelAnswer.Error(503);
        await using var agent = new LlmAgentUnderTest(model, LlmAgentUnderTest.Seconds(
            ("MaxRetries", 1), ("RetryBaseDelay", 0.05), ("MinimumThroughput", 2), ("FailureRatio", 0.5),
            ("SamplingDuration", 60), ("BreakDuration", 3)));

        var exhausted = await agent.FailAsync();
        var callsWhenOpened = model.Calls;
        var unavailableWhenOpened = agent.Handler.UnavailableReason;
        var fast = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => agent.FailAsync()));
        var callsWhileOpen = model.Calls;
        await Task.Delay(TimeSpan.FromSeconds(4.5), TestContext.Current.CancellationToken);
        var unavailableAfterTheBreak = agent.Handler.UnavailableReason;
        var trial = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => agent.FailAsync()));

        // The agent takes no task while the breaker is open, takes one again when the break ends, none after a failed trial.
        Assert.Contains("circuit breaker is open", unavailableWhenOpened, StringComparison.Ordinal);
        Assert.Null(unavailableAfterTheBreak);
        Assert.Contains("circuit breaker is open", agent.Handler.UnavailableReason, StringComparison.Ordinal);

        Assert.Equal(LlmFailure.Unavailable, exhausted.Code);
        Assert.True(exhausted.Retryable);
        Assert.Equal(2, callsWhenOpened);
        Assert.All(fast, static f => Assert.Equal((LlmFailure.CircuitOpen, true), (f.Code, f.Retryable)));
        Assert.Equal(2, callsWhileOpen);
        Assert.All(trial, static f => Assert.True(f.Retryable));
        Assert.Equal(3, model.Calls);
        Assert.Contains(agent.Logs.Lines, static l => l.Contains("[3002] Model circuit breaker opened", StringComparison.Ordinal));
        Assert.Contains(agent.Logs.Lines, static l => l.Contains("[3003] Model circuit breaker half-open", StringComparison.Ordinal));
        Assert.Contains("llm-model/OnCircuitOpened", metrics.Events);
        Assert.Contains("llm-model/OnCircuitHalfOpened", metrics.Events);
    }

    [Fact]
    public async Task HandleAsync_BreakerOpenThenModelRecovers_TrialCallSucceedsAndClosesTheBreaker()
    {
        await using var model = await FakeModel.StartAsync();
        model.Answer = static call => call <= 2 ? ModelAnswer.Error(500) : ModelAnswer.Completion("back again", 3, 2);
        await using var agent = new LlmAgentUnderTest(model, LlmAgentUnderTest.Seconds(
            ("MaxRetries", 1), ("RetryBaseDelay", 0.05), ("MinimumThroughput", 2), ("BreakDuration", 1)));

        await agent.FailAsync();
        Assert.NotNull(agent.Handler.UnavailableReason);
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Null(agent.Handler.UnavailableReason);
        var output = await agent.RunAsync(agent.Context());
        Assert.Null(agent.Handler.UnavailableReason);
        var after = await agent.RunAsync(agent.Context());

        Assert.Equal("back again", output!.Value.GetProperty("text").GetString());
        Assert.Equal("back again", after!.Value.GetProperty("text").GetString());
        Assert.Equal(4, model.Calls);
        Assert.Contains(agent.Logs.Lines, static l => l.Contains("[3004] Model circuit breaker closed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandleAsync_ModelHangs_AttemptsTimeOutAndAreRetriedUntilTheTotalTimeoutEndsTheCall()
    {
        await using var model = await FakeModel.StartAsync();
        model.Answer = static _ => ModelAnswer.Hanging;
        await using var agent = new LlmAgentUnderTest(model, LlmAgentUnderTest.Seconds(
            ("AttemptTimeout", 1), ("TotalTimeout", 4), ("MaxRetries", 20), ("RetryBaseDelay", 0.05)));

        var stopwatch = Stopwatch.StartNew();
        var failure = await agent.FailAsync();
        stopwatch.Stop();

        Assert.Equal(LlmFailure.Timeout, failure.Code);
        Assert.True(failure.Retryable);
        Assert.InRange(model.Calls, 2, 5);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task HandleAsync_ModelUnreachable_RetriesThenFailsRetryable()
    {
        var model = await FakeModel.StartAsync();
        await model.DisposeAsync();
        await using var agent = new LlmAgentUnderTest(model, LlmAgentUnderTest.Seconds(("MaxRetries", 2), ("RetryBaseDelay", 0.05)));

        var failure = await agent.FailAsync();

        Assert.Equal((LlmFailure.Unavailable, true), (failure.Code, failure.Retryable));
        Assert.Equal(2, agent.Logs.Lines.Count(static l => l.Contains("[3001] Model call attempt", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("""{"text":"no prompt"}""")]
    [InlineData("""{"prompt":""}""")]
    [InlineData("""{"prompt":"hi","system":7}""")]
    [InlineData("""["prompt"]""")]
    public async Task HandleAsync_InputWithoutAPrompt_FailsNotRetryableWithoutCallingTheModel(string input)
    {
        await using var model = await FakeModel.StartAsync();
        await using var agent = new LlmAgentUnderTest(model, []);

        var failure = await agent.FailAsync(agent.Context(input));

        Assert.Equal(("invalid_input", false), (failure.Code, failure.Retryable));
        Assert.Equal(0, model.Calls);
    }
}
