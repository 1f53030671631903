using System.Diagnostics;
using System.Reflection;
using AgentMesh.Engine;
using AgentMesh.Nats.Outbox;
using AgentMesh.Redis;
using AgentMesh.Resilience;
using AgentMesh.Server.Cluster;
using AgentMesh.Server.Hosting;
using AgentMesh.Server.Http;
using AgentMesh.Server.Security;
using Microsoft.AspNetCore.Mvc;

namespace AgentMesh.Server.Health;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: the store answers, no store breaker is open and the
/// engine runs.
/// <c>/health/detail</c>: the operators' report, for system administrators only. A NATS outage shows there
/// (the relay's state and lag) but leaves the node ready: the outbox keeps every event and drains later. A Redis
/// outage likewise reads <c>degraded</c> and leaves the node ready: it limits requests with its own buckets meanwhile, and
/// its read cache answers from memory and the store.
/// </summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    private static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static WebApplicationBuilder AddAgentMeshHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NodeUptime>();
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<NodeUptime>());
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<Readiness>());
        return builder;
    }

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Health");
        health.MapGet("/live", static () => TypedResults.Ok(new HealthReport("healthy", new Dictionary<string, string> { ["process"] = "healthy" })));
        health.MapGet("/ready", ReadyAsync);
        health.MapGet("/detail", DetailAsync);
    }

    private static async Task<IResult> ReadyAsync(Readiness readiness, CancellationToken cancellationToken)
    {
        var (ready, checks) = await readiness.CheckAsync(cancellationToken);
        var report = new HealthReport(ready ? "healthy" : "unhealthy", checks);
        return TypedResults.Json(report, ServerJsonContext.Default.HealthReport, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    // Outside /v1, so the API's access filter does not run; the same rule is applied here.
    private static async Task<IResult> DetailAsync(HttpContext http, MeshEngine engine, NodeUptime uptime, CancellationToken cancellationToken)
    {
        var caller = Caller.From(http.User);
        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Make(http, StatusCodes.Status401Unauthorized, "unauthenticated", "A valid credential is required: 'Authorization: Bearer <api key or token>'.");
        }

        if (!caller.IsSystemAdmin)
        {
            return Problems.Make(http, StatusCodes.Status403Forbidden, "forbidden", "The health report is for system administrators.");
        }

        var started = Stopwatch.GetTimestamp();
        var storeUp = await PingAsync(engine, cancellationToken);
        var ping = Stopwatch.GetElapsedTime(started);
        var snapshot = engine.Snapshot();
        var healthy = storeUp && snapshot.Running;
        var detail = new HealthDetail(
            healthy ? "healthy" : "unhealthy",
            Version,
            uptime.StartedAt,
            Math.Round(uptime.Uptime.TotalSeconds, 3),
            new StoreHealth(StoreKind(engine), storeUp ? "healthy" : "unhealthy", Math.Round(ping.TotalMilliseconds, 3)),
            new EngineHealth(
                snapshot.Running,
                snapshot.Tenants,
                snapshot.UnfinishedTasks,
                snapshot.ConnectedAgents,
                snapshot.Agents.ToDictionary(static a => a.Key.ToString().ToLowerInvariant(), static a => a.Value, StringComparer.Ordinal),
                snapshot.CommitQueueDepth,
                snapshot.CommitBatches),
            CacheStatus(engine, http.RequestServices),
            http.RequestServices.GetService<NatsOutboxRelay>()?.Status,
            await NodeRedis.StatusAsync(http.RequestServices, cancellationToken));
        return TypedResults.Json(detail, HealthJsonContext.Default.HealthDetail, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>
    /// Names every breaker not closed in <c>breakers</c> (<c>PostgresCommits open, PostgresReads half_open</c>). One the
    /// node cannot serve without (the store's) makes it unready until a trial call closes it; the NATS relay's does
    /// not, since the outbox keeps every event until it is published.
    /// </summary>
    internal static async Task<bool> PingAsync(MeshEngine engine, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PingTimeout);
            return await engine.Store.PingAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static CacheHealth CacheStatus(MeshEngine engine, IServiceProvider services) => engine.FinishedTasks switch
    {
        null => new CacheHealth(false, "none", null),
        { IsShared: false } => new CacheHealth(true, "memory", null),
        _ => new CacheHealth(true, "memory+redis", 
            services.GetService<AgentMesh.Redis.Caching.RedisDistributedCache>() is { IsAvailable: true } && services.GetService<RedisConnection>() is { IsConnected: true }
                ? "available"
                : "unavailable"),
    };

    private static string StoreKind(MeshEngine engine) => engine.Store switch
    {
        AgentMesh.Sqlite.SqliteMeshStore => "sqlite",
        _ => engine.Store.GetType().Name,
    };
}
