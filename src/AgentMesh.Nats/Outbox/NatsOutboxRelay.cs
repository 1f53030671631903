using System.Diagnostics.Metrics;
using System.Runtime.ExceptionServices;
using AgentMesh.Events;
using AgentMesh.Resilience;
using AgentMesh.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Polly;

namespace AgentMesh.Nats.Outbox;

/// <summary>
/// Publishes every committed event to the JetStream stream (<see cref="NatsRelayOptions.Stream"/>), in commit
/// order, as CloudEvents JSON with <c>Nats-Msg-Id</c> = event id. One round: read a batch from the outbox after
/// the saved cursor, publish it pipelined, await every acknowledgement, save the cursor. When caught up it waits
/// for the next commit on this node or <see cref="NatsRelayOptions.IdleInterval"/>. While NATS (or the store)
/// fails it retries with capped exponential backoff and jitter and never skips an event: the store is the
/// record and the outbox simply grows. A crash between publish and cursor save publishes those events again;
/// the stream drops them by <c>Nats-Msg-Id</c> within its duplicate window.
/// </summary>
public sealed partial class NatsOutboxRelay : BackgroundService
{
    private readonly IEventOutbox _outbox;
    private readonly NatsRelayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<NatsOutboxRelay> _logger;
    private readonly EventHub? _commits;
    private readonly Func<bool>? _isActive;
    private readonly NatsRelayMetrics _metrics;
    private readonly ResiliencePipeline _publish;
    private readonly string _url;
    private readonly Lock _gate = new();

    private long _cursor;
    private long _lastCommitted;
    private long _published;
    private long _failures;
    private volatile string _state = "starting";
    private DateTimeOffset? _outageSince;
    private int _outageAttempts;
    private string? _lastError;

    /// <summary>Creates the relay; nothing connects until the host starts it.</summary>
    /// <param name="outbox">The store's outbox.</param>
    /// <param name="options">Relay settings; <see cref="NatsRelayOptions.Url"/> is required.</param>
    /// <param name="time">Clock for delays and the outage timestamp.</param>
    /// <param name="logger">Where outages are reported, once each.</param>
    /// <param name="meterFactory">Creates the <c>AgentMesh</c> meter; null for a meter of its own.</param>
    /// <param name="commits">The engine's event hub, whose commits wake the relay at once; null to poll only.</param>
    /// <param name="isActive">
    /// Whether this node should publish now: in a cluster only the node whose engine runs (the leader) does, so
    /// one relay works the shared cursor. Null to always publish.
    /// </param>
    /// <param name="pipelines">
    /// Where the <see cref="Dependencies.NatsPublish"/> pipeline comes from: a round whose publish fails outright is
    /// retried at once (safe: JetStream drops repeats by <c>Nats-Msg-Id</c>), and an open breaker skips publishing
    /// until its trial call. Null to rely on the relay's own backoff alone.
    /// </param>
    public NatsOutboxRelay(
        IEventOutbox outbox,
        IOptions<NatsRelayOptions> options,
        TimeProvider time,
        ILogger<NatsOutboxRelay> logger,
        IMeterFactory? meterFactory = null,
        EventHub? commits = null,
        Func<bool>? isActive = null,
        DependencyPipelines? pipelines = null)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        if (!_options.IsValid(out var error))
        {
            throw new OptionsValidationException(NatsRelayOptions.Section, typeof(NatsRelayOptions), [error]);
        }

        _outbox = outbox;
        _time = time;
        _logger = logger;
        _commits = commits;
        _isActive = isActive;
        _url = RedactUrl(_options.Url);
        _metrics = new NatsRelayMetrics(meterFactory, _options.Stream, () => Lag);
        _publish = pipelines?.Get(Dependencies.NatsPublish, IsTransient) ?? ResiliencePipeline.Empty;
    }

    /// <summary>Events committed but not yet published.</summary>
    public long Lag => Math.Max(0, Math.Max(Volatile.Read(ref _lastCommitted), _commits?.LastPublished ?? 0) - Volatile.Read(ref _cursor));

    /// <summary>A snapshot of the relay's state.</summary>
    public NatsRelayStatus Status
    {
        get
        {
            var committed = Math.Max(Volatile.Read(ref _lastCommitted), _commits?.LastPublished ?? 0);
            lock (_gate)
            {
                return new NatsRelayStatus(_state, _url, _options.Stream, Volatile.Read(ref _cursor), committed, Lag, Volatile.Read(ref _published), Volatile.Read(ref _failures), _outageSince, _lastError);
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The store's reads may complete synchronously; the host's start must not wait for this loop.
        await Task.Yield();
        while (_isActive is not null && !_isActive() && !stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var natsOptions = NatsOpts.Default with
        {
            Url = _options.Url,
            Name = "agentmesh-outbox-relay",
            RetryOnInitialConnect = true,
            ReconnectWaitMin = _options.RetryBaseDelay,
            ReconnectWaitMax = _options.RetryMaxDelay,
        };
        await using var connection = new NatsConnection(natsOptions);
        var js = new NatsJSContext(connection);
        var streamReady = false;
        var started = false;
        var cursor = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!started)
                {
                    cursor = await _outbox.LoadCursorAsync(_options.CursorName, stoppingToken);
                    Volatile.Write(ref _cursor, cursor);
                    NoteCommitted(await _outbox.LastSequenceAsync(stoppingToken));
                    started = true;
                    NatsRelayLog.Started(_logger, _options.Stream, _url, cursor);
                }

                if (!streamReady)
                {
                    await EnsureStreamAsync(js, stoppingToken);
                    streamReady = true;
                }

                var batch = await _outbox.ReadOutboxAsync(cursor, _options.BatchSize, stoppingToken);
                if (batch.Count == 0)
                {
                    Recovered();
                    await WaitForCommitsAsync(cursor, stoppingToken);
                    continue;
                }

                NoteCommitted(batch[^1].Sequence);
                var round = await _publish.ExecuteAsync(static (state, token) => state.Relay.PublishOrThrowAsync(state.Js, state.Batch, token), (Relay: this, Js: js, Batch: batch), stoppingToken);
                if (round.Published > 0)
                {
                    cursor = batch[round.Published - 1].Sequence;
                    await _outbox.SaveCursorAsync(_options.CursorName, cursor, stoppingToken);
                    Volatile.Write(ref _cursor, cursor);
                    Interlocked.Add(ref _published, round.Published);
                    _metrics.Published(round.Published);
                }

                if (round.Failure is { } failure)
                {
                    _metrics.Failed(batch.Count - round.Published);
                    ExceptionDispatchInfo.Throw(failure);
                }

                Recovered();
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                streamReady = false;
                await FailedAsync(exception, stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        _state = "stopped";
        var waiting = Lag;
        NatsRelayLog.Stopped(_logger, cursor, waiting);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _metrics.Dispose();
    }

    private void NoteCommitted(long sequence)
    {
        long seen;
        while ((seen = Volatile.Read(ref _lastCommitted)) < sequence && Interlocked.CompareExchange(ref _lastCommitted, sequence, seen) != seen)
        {
        }
    }

    private async Task WaitForCommitsAsync(long cursor, CancellationToken cancellationToken)
    {
        var idle = Task.Delay(_options.IdleInterval, _time, cancellationToken);
        if (_commits is { } commits)
        {
            await Task.WhenAny(commits.WhenPublishedAfter(cursor), idle);
        }
        else
        {
            await Task.WhenAny(idle);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private void Recovered()
    {
        if (_outageSince is { } since)
        {
            var seconds = Math.Round((_time.GetUtcNow() - since).TotalSeconds, 3);
            NatsRelayLog.OutageEnded(_logger, _options.Stream, seconds, _outageAttempts);
            lock (_gate)
            {
                _outageSince = null;
                _outageAttempts = 0;
            }
        }

        _state = "publishing";
    }

    private async Task FailedAsync(Exception exception, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _failures);
        _state = "retrying";
        lock (_gate)
        {
            _lastError = exception.Message;
            _outageAttempts++;
        }

        if (_outageSince is null)
        {
            lock (_gate)
            {
                _outageSince = _time.GetUtcNow();
            }

            var lag = Lag;
            NatsRelayLog.OutageStarted(_logger, _options.Stream, lag, exception);
        }

        try
        {
            // Keeps the lag gauge right while nothing is published, commits of other nodes included.
            NoteCommitted(await _outbox.LastSequenceAsync(cancellationToken));
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
        }

        try
        {
            await Task.Delay(RetryDelay(_outageAttempts), _time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Full jitter: a random delay in [base, min(max, base·2^(attempt−1))].</summary>
    private TimeSpan RetryDelay(int attempt)
    {
        var ceiling = Math.Min(_options.RetryMaxDelay.TotalMilliseconds, _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30)));
        var floor = _options.RetryBaseDelay.TotalMilliseconds;
        return TimeSpan.FromMilliseconds(floor + (Random.Shared.NextDouble() * Math.Max(0, ceiling - floor)));
    }

    private static string RedactUrl(string urls) => string.Join(',', urls.Split(',', StringSplitOptions.TrimEntries).Select(static url =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { UserName = "***", Password = "" }.Uri.ToString().TrimEnd('/')
            : url));
}
