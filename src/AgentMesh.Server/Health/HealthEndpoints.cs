using AgentMesh.Engine;
using AgentMesh.Server.Http;

namespace AgentMesh.Server.Health;

/// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the store answers and the engine runs.</summary>
internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Health");
        health.MapGet("/live", static () => TypedResults.Ok(new HealthReport("healthy", new Dictionary<string, string> { ["process"] = "healthy" })));
        health.MapGet("/ready", ReadyAsync);
    }

    private static async Task<IResult> ReadyAsync(MeshEngine engine, CancellationToken cancellationToken)
    {
        bool storeUp;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            storeUp = await engine.Store.PingAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            storeUp = false;
        }

        var checks = new Dictionary<string, string>
        {
            ["store"] = storeUp ? "healthy" : "unhealthy",
            ["engine"] = engine.IsRunning ? "healthy" : "unhealthy",
        };
        var ready = storeUp && engine.IsRunning;
        var report = new HealthReport(ready ? "healthy" : "unhealthy", checks);
        return TypedResults.Json(report, ServerJsonContext.Default.HealthReport, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
