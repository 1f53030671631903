using System.Globalization;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace LlmAgent;

/// <summary>Builds the pipeline every HTTP request to the model goes through.</summary>
internal static class LlmResilience
{
    /// <summary>Name of the pipeline; Polly's metrics tag it <c>pipeline.name</c> <c>llm-model</c> (HTTP client, then pipeline).</summary>
    public const string PipelineName = "model";

    /// <summary>
    /// Total timeout, then retries, then the breaker, then the attempt timeout: every attempt counts towards the
    /// breaker, an attempt that times out is retried, and an open breaker is not retried, so a call fails fast.
    /// </summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, LlmResilienceOptions options, ModelAvailability availability, ILogger logger)
    {
        builder.AddTimeout(options.TotalTimeout);
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LlmLog.Retrying(logger, args.AttemptNumber + 1, Describe(args.Outcome), args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.FailureRatio,
            SamplingDuration = options.SamplingDuration,
            MinimumThroughput = options.MinimumThroughput,
            BreakDuration = options.BreakDuration,
            OnOpened = args =>
            {
                availability.Opened(args.BreakDuration);
                LlmLog.BreakerOpened(logger, args.BreakDuration.TotalSeconds, Describe(args.Outcome));
                return ValueTask.CompletedTask;
            },
            OnHalfOpened = _ =>
            {
                availability.HalfOpened();
                LlmLog.BreakerHalfOpened(logger);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                availability.Closed();
                LlmLog.BreakerClosed(logger);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.AttemptTimeout });
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception ? exception.GetType().Name
        : outcome.Result is { } response ? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)
        : "no outcome";
}
