using AgentMesh.Resilience;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace AgentMesh.Core.Tests.Resilience;

public sealed class DependencyPipelinesTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly DependencyBreakers _breakers = new(NullLogger<DependencyBreakers>.Instance);
    private readonly DependencyResilienceOptions _options = new()
    {
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(2),
        MinimumThroughput = 2,
        SamplingDuration = TimeSpan.FromSeconds(30),
        BreakDuration = TimeSpan.FromSeconds(5),
    };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_WithoutRetry_CallsOnce_WhateverMaxRetriesSays()
    {
        var pipeline = Pipelines(TimeProvider.System).Get("Commits", static e => e is IOException, retry: false);
        var calls = 0;

        await Assert.ThrowsAsync<IOException>(async () => await pipeline.ExecuteAsync(_ =>
        {
            calls++;
            throw new IOException("connection lost");
        }, Cancellation));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Get_RetriesTransientFailures_AndNothingElse()
    {
        _options.MinimumThroughput = 10;
        var pipelines = Pipelines(TimeProvider.System);
        var transient = pipelines.Get("Transient", static e => e is IOException);
        var refused = pipelines.Get("Refused", static e => e is IOException);
        var transientCalls = 0;
        var refusedCalls = 0;

        var answer = await transient.ExecuteAsync(_ => ++transientCalls < 3 ? throw new IOException("connection lost") : ValueTask.FromResult(42), Cancellation);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await refused.ExecuteAsync<int>(_ =>
        {
            refusedCalls++;
            throw new InvalidOperationException("conflict");
        }, Cancellation));

        Assert.Equal(42, answer);
        Assert.Equal(3, transientCalls);
        Assert.Equal(1, refusedCalls);
    }

    [Fact]
    public async Task Breaker_OpensAfterFailures_FailsFastWhileOpen_ClosesAfterASuccessfulTrial()
    {
        _options.MaxRetries = 0;
        var pipeline = Pipelines(_time).Get("Store", static e => e is IOException);
        var calls = 0;
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<IOException>(async () => await pipeline.ExecuteAsync(_ =>
            {
                calls++;
                throw new IOException("connection lost");
            }, Cancellation));
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await pipeline.ExecuteAsync(_ =>
        {
            calls++;
            return ValueTask.CompletedTask;
        }, Cancellation));
        var whileOpen = _breakers.Open;
        _time.Advance(TimeSpan.FromSeconds(6));
        await pipeline.ExecuteAsync(_ =>
        {
            calls++;
            return ValueTask.CompletedTask;
        }, Cancellation);

        Assert.Equal(3, calls);
        Assert.Equal(["Store"], whileOpen);
        Assert.Equal(BreakerState.Closed, _breakers.States["Store"]);
    }

    [Fact]
    public void Validate_NamesTheSettingThatIsWrong()
    {
        var options = new DependencyResilienceOptions { MinimumThroughput = 1 };

        Assert.Equal("AgentMesh:Resilience:PostgresReads:MinimumThroughput must be at least 2.", options.Validate(Dependencies.PostgresReads));
        Assert.Null(new DependencyResilienceOptions().Validate(Dependencies.PostgresReads));
    }

    public void Dispose() => _breakers.Dispose();

    private DependencyPipelines Pipelines(TimeProvider time) => new(new FixedOptions(_options), _breakers, time);

    private sealed class FixedOptions(DependencyResilienceOptions options) : IOptionsMonitor<DependencyResilienceOptions>
    {
        public DependencyResilienceOptions CurrentValue => options;

        public DependencyResilienceOptions Get(string? name) => options;

        public IDisposable? OnChange(Action<DependencyResilienceOptions, string?> listener) => null;
    }
}
