using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace AgentMesh.Audit;

/// <summary>
/// Delivers this node's chain to each configured sink, at least once: it reads entries after the sink's durable cursor,
/// sends them through the sink's resilience pipeline (timeout, retries with exponential backoff and jitter, a circuit
/// breaker), and only then advances the cursor. A sink that is down falls behind and catches up when it returns;
/// one sink never holds up another.
/// </summary>
public sealed partial class AuditForwarder : BackgroundService
{
    private readonly IAuditStore _store;
    private readonly IReadOnlyList<(IAuditSink Sink, ResiliencePipeline Pipeline)> _sinks;
    private readonly AuditForwardingOptions _options;
    private readonly string _chain;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AuditForwarder(IAuditStore store, IEnumerable<IAuditSink> sinks, AuditForwardingOptions options, string chain, TimeProvider time, ILogger<AuditForwarder> logger)
    {
        _store = store;
        _options = options;
        _chain = chain;
        _time = time;
        _logger = logger;
        _sinks = [.. sinks.Select(sink => (sink, Pipeline(sink, options, time, logger)))];
    }

    /// <summary>Delivers everything not yet delivered to every sink once; returns the number of entries sent.</summary>
    public async Task<int> ForwardOnceAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        foreach (var (sink, pipeline) in _sinks)
        {
            try
            {
                sent += await DeliverAsync(sink, pipeline, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogDeliveryFailed(_logger, exception, sink.Name);
            }
        }

        return sent;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_sinks.Count == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.Interval, _time);
        do
        {
            await ForwardOnceAsync(stoppingToken);
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<int> DeliverAsync(IAuditSink sink, ResiliencePipeline pipeline, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var cursor = await _store.ReadCursorAsync(sink.Name, _chain, cancellationToken);
            var batch = new List<AuditEntry>(_options.BatchSize);
            await foreach (var entry in _store.ReadAsync(_chain, cursor + 1, cursor + _options.BatchSize, cancellationToken))
            {
                batch.Add(entry);
            }

            if (batch.Count == 0)
            {
                return total;
            }

            await pipeline.ExecuteAsync(static (state, ct) => new ValueTask(state.sink.SendAsync(state.batch, ct)), (sink, batch), cancellationToken);
            await _store.SaveCursorAsync(sink.Name, _chain, batch[^1].Sequence, cancellationToken);
            total += batch.Count;
        }
    }

    private static ResiliencePipeline Pipeline(IAuditSink sink, AuditForwardingOptions options, TimeProvider time, ILogger logger)
    {
        var (attempts, timeout) = sink switch
        {
            SyslogTcpSink => (options.Syslog.MaxAttempts, options.Syslog.Timeout),
            WebhookSink => (options.Webhook.MaxAttempts, options.Webhook.Timeout),
            _ => (3, TimeSpan.FromSeconds(10)),
        };
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = new PredicateBuilder().Handle<IOException>().Handle<System.Net.Sockets.SocketException>().Handle<HttpRequestException>().Handle<TimeoutRejectedException>(),
                OnRetry = args =>
                {
                    LogRetry(logger, args.Outcome.Exception, sink.Name, args.AttemptNumber + 2);
                    return default;
                },
            });
        }

        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 1.0,
                MinimumThroughput = 3,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(15),
                OnOpened = _ =>
                {
                    LogBreakerOpened(logger, sink.Name);
                    return default;
                },
            })
            .AddTimeout(timeout)
            .Build();
    }

    [LoggerMessage(EventId = 9010, Level = LogLevel.Warning, Message = "Audit delivery to {Sink} failed; it resumes from its cursor at the next interval")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string sink);

    [LoggerMessage(EventId = 9011, Level = LogLevel.Information, Message = "Audit delivery to {Sink} failed; attempt {Attempt} follows")]
    private static partial void LogRetry(ILogger logger, Exception? exception, string sink, int attempt);

    [LoggerMessage(EventId = 9012, Level = LogLevel.Warning, Message = "Audit delivery to {Sink} keeps failing; paused (circuit open)")]
    private static partial void LogBreakerOpened(ILogger logger, string sink);
}
