using System.Globalization;
using System.Security.Claims;
using AgentMesh.Server.Http;
using AgentMesh.Server.Security;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.RateLimits;

/// <summary>
/// Admits a <c>/v1</c> request only when its credential's (or remote address's) bucket and its tenant's bucket both
/// have a token; otherwise answers <c>429 rate_limited</c> with <c>Retry-After</c>. Every answer carries
/// <c>RateLimit-Limit</c>, <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c> for the tighter of the two buckets.
/// </summary>
internal sealed partial class RateLimitMiddleware(RequestDelegate next, RequestBuckets buckets, RateLimitMetrics metrics, ILogger<RateLimitMiddleware> logger)
{
    public const string ApiPrefix = "/v1";

    public async Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments(ApiPrefix))
        {
            await next(http);
            return;
        }

        var credential = Credential(http, out var tenant);
        var tenantRate = tenant is null ? null : await buckets.TenantRateAsync(http, tenant);
        var (byCredential, tenantAnswer) = await buckets.TakeAsync(credential, tenantRate is null ? null : tenant, http.RequestAborted);
        if (!byCredential.Admitted)
        {
            var limit = credential.IsAddress ? "address" : "key";
            await RejectAsync(http, tenant, limit, buckets.CredentialRate, buckets.CredentialBurst, byCredential);
            return;
        }

        if (tenantRate is not { } rate || tenantAnswer is not { } byTenant)
        {
            WriteHeaders(http.Response.Headers, buckets.CredentialRate, buckets.CredentialBurst, byCredential.Remaining);
            await next(http);
            return;
        }

        var tenantBurst = buckets.TenantBurst(rate);
        if (!byTenant.Admitted)
        {
            await RejectAsync(http, tenant, "tenant", rate, tenantBurst, byTenant);
            return;
        }

        if (byTenant.Remaining < byCredential.Remaining)
        {
            WriteHeaders(http.Response.Headers, rate, tenantBurst, byTenant.Remaining);
        }
        else
        {
            WriteHeaders(http.Response.Headers, buckets.CredentialRate, buckets.CredentialBurst, byCredential.Remaining);
        }

        await next(http);
    }

    /// <summary>
    /// The credential's bucket key and the tenant the request counts against: the credential's own tenant, or for a
    /// system credential the tenant in the path. A request without a valid credential counts against its address only.
    /// </summary>
    private static CredentialKey Credential(HttpContext http, out string? tenant)
    {
        var user = http.User;
        if (user.Identity is not { IsAuthenticated: true } identity)
        {
            tenant = null;
            return new CredentialKey(CredentialKey.AddressScheme, http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        }

        tenant = user.FindFirstValue(CallerClaims.Tenant) ?? http.GetRouteValue("tenant") as string;
        var id = user.FindFirstValue(CallerClaims.KeyId) ?? user.FindFirstValue(JwtClaims.Subject) ?? "unknown";
        return new CredentialKey(identity.AuthenticationType ?? string.Empty, id);
    }

    private Task RejectAsync(HttpContext http, string? tenant, string limit, int rate, int burst, BucketAnswer answer)
    {
        metrics.Rejected(tenant, limit);
        LogRejected(logger, limit, tenant);
        var retryAfter = Math.Max(1, (long)Math.Ceiling(answer.RetryAfter.TotalSeconds));
        var headers = http.Response.Headers;
        headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        WriteHeaders(headers, rate, burst, answer.Remaining);
        var detail = limit switch
        {
            "tenant" => $"The tenant's request rate of {rate}/s is exhausted; retry after {retryAfter} s.",
            "key" => $"This credential's request rate of {rate}/s is exhausted; retry after {retryAfter} s.",
            _ => $"Too many requests without a valid credential from this address; retry after {retryAfter} s.",
        };
        return Problems.Make(http, StatusCodes.Status429TooManyRequests, "rate_limited", detail).ExecuteAsync(http);
    }

    /// <summary>IETF draft RateLimit fields: the bucket size, the whole tokens left, and the seconds until it is full again.</summary>
    private static void WriteHeaders(IHeaderDictionary headers, int rate, int burst, long remaining)
    {
        var reset = remaining >= burst ? 0 : (long)Math.Ceiling((burst - remaining) / (double)rate);
        headers["RateLimit-Limit"] = burst.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Debug, Message = "Refused a request: the {Limit} rate limit is exhausted (tenant {Tenant})")]
    private static partial void LogRejected(ILogger logger, string limit, string? tenant);
}

internal static class RateLimitSetup
{
    public static IServiceCollection AddAgentMeshRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidation>();
        services.AddSingleton<RequestBuckets>();
        services.AddSingleton<RateLimitMetrics>();
        return services;
    }

    /// <summary>Limits <c>/v1</c> requests; runs after authentication so a valid credential draws from its own bucket.</summary>
    public static IApplicationBuilder UseAgentMeshRateLimits(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.Enabled ? app.UseMiddleware<RateLimitMiddleware>() : app;
}
