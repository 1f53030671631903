using System.Buffers;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace AgentMesh.Audit;

/// <summary>
/// Raises alerts for sensitive actions as soon as their entries are stored: the appender hands each stored batch to
/// a bounded queue (full: the alert is dropped and counted; the entry itself is safe in the log), the rules pick the
/// alerts, and each is posted to the webhook with a short retry. An alert is <c>POST {"rule", "summary", "entry"}</c>
/// signed like the forwarding webhook.
/// </summary>
public sealed partial class AuditAlerter : BackgroundService
{
    private readonly Channel<AuditEntry> _queue = Channel.CreateBounded<AuditEntry>(new BoundedChannelOptions(4096) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HttpClient _http;
    private readonly AuditAlertOptions _options;
    private readonly AuditAlertRules _rules;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly Meter _meter;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _dropped;

    public AuditAlerter(AuditAppender appender, HttpClient http, AuditAlertOptions options, TimeProvider time, ILogger<AuditAlerter> logger, IMeterFactory? meters = null)
    {
        _http = http;
        _options = options;
        _rules = new AuditAlertRules(options);
        _time = time;
        _logger = logger;
        _meter = meters?.Create("AgentMesh") ?? new Meter("AgentMesh");
        _sent = _meter.CreateCounter<long>("agentmesh.audit.alerts", "{alert}", "Audit alerts raised, by rule and delivery result.");
        _dropped = _meter.CreateCounter<long>("agentmesh.audit.alerts_dropped", "{entry}", "Stored entries not evaluated for alerts because the alert queue was full.");
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(options.Timeout)
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(50),
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<IOException>(),
            })
            .Build();
        appender.OnStored(Enqueue);
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var entry in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                if (_rules.Evaluate(entry) is { } alert)
                {
                    await DeliverAsync(alert, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Enqueue(IReadOnlyList<AuditEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (!_queue.Writer.TryWrite(entry))
            {
                _dropped.Add(1);
            }
        }
    }

    private async Task DeliverAsync(AuditAlert alert, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("rule", alert.Rule);
            json.WriteString("summary", alert.Summary);
            json.WritePropertyName("entry");
            AuditJson.WriteEntry(json, alert.Entry);
            json.WriteEndObject();
        }

        var payload = body.WrittenSpan.ToArray();
        try
        {
            await _pipeline.ExecuteAsync(
                static async (state, ct) =>
                {
                    var timestamp = state.Self._time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                    using var request = new HttpRequestMessage(HttpMethod.Post, state.Self._options.Url) { Content = new ByteArrayContent(state.Payload) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                    request.Headers.Add(WebhookSink.TimestampHeader, timestamp);
                    request.Headers.Add(WebhookSink.SignatureHeader, WebhookSink.Sign(state.Self._options.Secret!, timestamp, state.Payload));
                    using var response = await state.Self._http.SendAsync(request, ct);
                    response.EnsureSuccessStatusCode();
                },
                (Self: this, Payload: payload),
                cancellationToken);
            _sent.Add(1, new KeyValuePair<string, object?>("rule", alert.Rule), new KeyValuePair<string, object?>("delivered", true));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _sent.Add(1, new KeyValuePair<string, object?>("rule", alert.Rule), new KeyValuePair<string, object?>("delivered", false));
            LogAlertFailed(_logger, exception, alert.Rule, alert.Entry.Sequence);
        }
    }

    [LoggerMessage(EventId = 9020, Level = LogLevel.Error, Message = "The audit alert {Rule} for entry {Sequence} could not be delivered")]
    private static partial void LogAlertFailed(ILogger logger, Exception exception, string rule, long sequence);
}
