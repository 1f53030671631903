using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace AgentMesh.Resilience;

/// <summary>
/// The resilience pipelines of the node's dependencies, each built once from its named
/// <see cref="DependencyResilienceOptions"/> (<c>AgentMesh:Resilience:&lt;name&gt;</c>) and kept: retry (outermost,
/// transient failures only), circuit breaker, timeout per attempt. Breaker transitions go to
/// <see cref="DependencyBreakers"/>.
/// </summary>
public sealed class DependencyPipelines
{
    private readonly IOptionsMonitor<DependencyResilienceOptions> _options;
    private readonly DependencyBreakers _breakers;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, ResiliencePipeline> _pipelines = new(StringComparer.Ordinal);

    /// <summary>Creates the registry; nothing is built until asked for.</summary>
    public DependencyPipelines(IOptionsMonitor<DependencyResilienceOptions> options, DependencyBreakers breakers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(breakers);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _breakers = breakers;
        _time = time;
    }

    /// <summary>
    /// The pipeline of <paramref name="dependency"/>, built on first use. <paramref name="isTransient"/> says which
    /// failures count against the breaker and may be retried (a timeout of an attempt always does); with
    /// <paramref name="retry"/> false the pipeline never repeats a call, whatever <c>MaxRetries</c> says. A broken
    /// circuit fails with <see cref="BrokenCircuitException"/> at once.
    /// </summary>
    public ResiliencePipeline Get(string dependency, Func<Exception, bool> isTransient, bool retry = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dependency);
        ArgumentNullException.ThrowIfNull(isTransient);
        return _pipelines.GetOrAdd(dependency, name => Build(name, _options.Get(name), isTransient, retry));
    }

    /// <summary>The state of <paramref name="dependency"/>'s breaker, as its last transition left it.</summary>
    public BreakerState State(string dependency) => _breakers.StateOf(dependency);

    /// <summary>The settings <paramref name="dependency"/>'s pipeline is built from.</summary>
    public DependencyResilienceOptions Options(string dependency) => _options.Get(dependency);

    private ResiliencePipeline Build(string name, DependencyResilienceOptions options, Func<Exception, bool> isTransient, bool retry)
    {
        if (options.Validate(name) is { } error)
        {
            throw new OptionsValidationException(name, typeof(DependencyResilienceOptions), [error]);
        }

        _breakers.Track(name);
        var handled = new PredicateBuilder().Handle<TimeoutRejectedException>().Handle<Exception>(e => e is not BrokenCircuitException && isTransient(e));
        var builder = new ResiliencePipelineBuilder { Name = name, TimeProvider = _time };
        if (retry && options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = handled,
            });
        }

        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.FailureRatio,
                SamplingDuration = options.SamplingDuration,
                MinimumThroughput = options.MinimumThroughput,
                BreakDuration = options.BreakDuration,
                ShouldHandle = handled,
                OnOpened = args =>
                {
                    _breakers.Changed(name, BreakerState.Open, args.BreakDuration, args.Outcome.Exception);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    _breakers.Changed(name, BreakerState.HalfOpen);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    _breakers.Changed(name, BreakerState.Closed);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(options.Timeout)
            .Build();
    }
}
