using System.Security.Claims;
using AgentMesh.Server.Http;
using AgentMesh.Server.Security;
using Microsoft.AspNetCore.Routing.Patterns;

namespace AgentMesh.Server.Bulkheads;

/// <summary>
/// Holds every <c>/v1</c> request of a tenant (the credential's tenant, or for a system credential the tenant in the
/// path) to a permit of that tenant's bulkhead for as long as it runs. A full bulkhead queues the request; a full
/// queue, or a wait longer than <see cref="BulkheadOptions.MaxQueueWait"/>, answers <c>429 tenant_busy</c> with
/// <c>Retry-After: 1</c>: the tenant has too much in progress on this node, and other tenants are not affected.
/// </summary>
internal sealed partial class BulkheadMiddleware(RequestDelegate next, TenantBulkheads bulkheads, ILogger<BulkheadMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/v1") || Tenant(http) is not { } tenant || WaitsByDesign(http))
        {
            await next(http);
            return;
        }

        using var lease = await bulkheads.AcquireAsync(tenant, http.RequestAborted);
        if (!lease.IsAcquired)
        {
            bulkheads.Rejected(tenant);
            LogRejected(logger, tenant);
            http.Response.Headers.RetryAfter = "1";
            await Problems.Make(
                http,
                StatusCodes.Status429TooManyRequests,
                "tenant_busy",
                $"The tenant has {bulkheads.Options.PermitsPerTenant} requests in progress and {bulkheads.Options.QueueLimitPerTenant} waiting on this node; retry after 1 s.").ExecuteAsync(http);
            return;
        }

        await next(http);
    }

    private static string? Tenant(HttpContext http) =>
        http.User.Identity is { IsAuthenticated: true }
            ? http.User.FindFirstValue(CallerClaims.Tenant) ?? http.GetRouteValue("tenant") as string
            : null;

    /// <summary>Agent long polls and event streams hold their request while they wait; they are bounded by their own settings.</summary>
    private static bool WaitsByDesign(HttpContext http) =>
        http.GetEndpoint() is RouteEndpoint { RoutePattern: RoutePattern pattern }
        && (pattern.RawText?.EndsWith("/poll", StringComparison.Ordinal) == true || pattern.RawText?.EndsWith("/events", StringComparison.Ordinal) == true);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Debug, Message = "Refused a request: the bulkhead of tenant {Tenant} and its queue are full")]
    private static partial void LogRejected(ILogger logger, string tenant);
}

/// <summary>Adds the per-tenant bulkheads to the request pipeline, as <c>AgentMesh:Bulkheads</c> says.</summary>
internal static class BulkheadSetup
{
    /// <summary>After authentication and rate limits: a refused or unauthenticated request never takes a permit.</summary>
    public static IApplicationBuilder UseAgentMeshBulkheads(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IConfiguration>().GetSection(BulkheadOptions.Section).Get<BulkheadOptions>() ?? new BulkheadOptions();
        if (options.Validate() is { } error)
        {
            throw new InvalidOperationException(error);
        }

        if (!options.Enabled)
        {
            return app;
        }

        var bulkheads = new TenantBulkheads(options, app.ApplicationServices.GetService<System.Diagnostics.Metrics.IMeterFactory>());
        app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(bulkheads.Dispose);
        return app.UseMiddleware<BulkheadMiddleware>(bulkheads);
    }
}
