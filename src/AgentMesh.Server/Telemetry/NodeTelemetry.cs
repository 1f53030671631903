using AgentMesh.Redis;
using AgentMesh.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AgentMesh.Server.Telemetry;

/// <summary>
/// Traces and metrics through OpenTelemetry: the <c>AgentMesh</c> source and meter, ASP.NET Core and
/// HttpClient instrumentation, Prometheus text at <c>/metrics</c>, and OTLP export of both when the
/// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
internal static class NodeTelemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>The meter and activity source Npgsql reports through (connection pool figures, one span per command) in cluster mode.</summary>
    private const string NpgsqlInstrumentation = "Npgsql";

    /// <summary>The activity source and meter of the NATS client: a span per publish of the outbox relay, message and operation counts.</summary>
    private const string NatsInstrumentation = "NATS.Net";

    /// <summary>
    /// The NATS client labels its figures with subjects, and the reply subject of every JetStream publish is a fresh inbox:
    /// only these labels are kept, so the series stay bounded.
    /// </summary>
    private static readonly string[] NatsMetricLabels = ["messaging.system", "messaging.operation.name", "error.type"];

    /// <summary>Activity sources recorded besides ASP.NET Core and HttpClient; a client library with its own source is added here.</summary>
    private static readonly string[] TracedSources = [MeshTelemetry.Name, NpgsqlInstrumentation, NatsInstrumentation];

    /// <summary>How often the Redis instrumentation turns the commands it profiled into spans.</summary>
    private static readonly TimeSpan RedisSpanFlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>Records spans even without an OTLP endpoint (for an in-process listener). Default false.</summary>
    public const string TracingSetting = "AgentMesh:Telemetry:Tracing";

    public static WebApplicationBuilder AddAgentMeshTelemetry(this WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "agentmesh"))
            .WithMetrics(static metrics => metrics
                .AddMeter(MeshTelemetry.Name, NpgsqlInstrumentation, NatsInstrumentation)
                .AddView(static instrument => instrument.Meter.Name == NatsInstrumentation ? new MetricStreamConfiguration { TagKeys = NatsMetricLabels } : null)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter(static o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        // Spans cost on every request and dispatch; record them only when something will receive them.
        var exportOtlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (exportOtlp || builder.Configuration.GetValue<bool>(TracingSetting))
        {
            telemetry.WithTracing(static tracing => tracing
                .AddSource(TracedSources)
                .AddAspNetCoreInstrumentation(static o => o.Filter = static http => !IsProbe(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddRedisInstrumentation(static o => o.FlushInterval = RedisSpanFlushInterval)
                .ConfigureRedisInstrumentation(static (services, redis) =>
                    services.GetService<RedisConnection>()?.WhenCreated(connection => redis.AddConnection(connection))));
        }

        if (exportOtlp)
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Scrapes and health probes arrive every few seconds and say nothing about the work: no span for them.</summary>
    private static bool IsProbe(PathString path) => path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health");

    /// <summary><c>GET /metrics</c> in the Prometheus text format; outside <c>/v1</c>, so it asks for no credential.</summary>
    public static void MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath).WithTags("Operations").ExcludeFromDescription();
}
