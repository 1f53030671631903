using System.Text.RegularExpressions;
using AgentMesh.Engine;
using AgentMesh.Server.Audit;
using AgentMesh.Server.Bulkheads;
using AgentMesh.Server.Cluster;
using AgentMesh.Server.Logging;
using AgentMesh.Server.RateLimits;
using AgentMesh.Server.Security;
using Microsoft.AspNetCore.Diagnostics;

namespace AgentMesh.Server.Http;

/// <summary>Request id, security headers, and problem answers for everything that does not reach an endpoint.</summary>
internal static partial class RequestPipeline
{
    public const string RequestIdHeader = "X-Request-Id";

    public static void UseAgentMeshPipeline(this WebApplication app)
    {
        app.UseAgentMeshForwardedHeaders();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = WriteExceptionAsync,

            // A query value that does not bind is the caller's mistake, answered 400; it is not an error of the node.
            SuppressDiagnosticsCallback = static context => context.Exception is BadHttpRequestException,
        });
        app.Use(static (http, next) =>
        {
            var incoming = http.Request.Headers[RequestIdHeader].FirstOrDefault();
            if (incoming is { Length: > 0 and <= 128 } && SafeRequestId().IsMatch(incoming))
            {
                http.TraceIdentifier = incoming;
            }

            var headers = http.Response.Headers;
            headers[RequestIdHeader] = http.TraceIdentifier;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return next(http);
        });
        app.UseRequestLogScope();
        app.UseLeaderForwarding();
        app.UseStatusCodePages(static async context =>
        {
            var http = context.HttpContext;
            var (code, detail) = http.Response.StatusCode switch
            {
                404 => ("route_not_found", $"No endpoint answers {http.Request.Method} {http.Request.Path}."),
                405 => ("method_not_allowed", $"{http.Request.Method} is not allowed on {http.Request.Path}."),
                415 => ("unsupported_media_type", "The body must be application/json."),
                _ => ("request_failed", "The request failed."),
            };
            await Problems.Make(http, http.Response.StatusCode, code, detail).ExecuteAsync(http);
        });
        app.UseAgentMeshBrowserSecurity();
        app.UseAuthentication();
        app.UseAgentMeshRateLimits();
        app.UseAgentMeshBulkheads();
        app.UseMiddleware<AuditMiddleware>();
    }

    private static async Task WriteExceptionAsync(HttpContext http)
    {
        var exception = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        var result = exception switch
        {
            BadHttpRequestException bad => BadRequest(http, bad),
            StoreUnavailableException => Unavailable(http),
            _ => Problems.Make(http, StatusCodes.Status500InternalServerError, "internal_error", "The node failed to handle the request; this is a bug. Quote the request id when reporting it."),
        };
        await result.ExecuteAsync(http);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unavailable(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return Problems.Make(http, StatusCodes.Status503ServiceUnavailable, "store_unavailable", "The store did not take the write; nothing was changed. Retry shortly.");
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult BadRequest(HttpContext http, BadHttpRequestException exception)
    {
        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.Make(http, StatusCodes.Status413PayloadTooLarge, "payload_too_large", "The request body is larger than the node accepts.");
        }

        var match = BindingFailure().Match(exception.Message);
        var field = match.Success ? match.Groups["name"].Value : "request";
        var message = match.Success ? $"'{match.Groups["value"].Value}' is not a valid value." : "is not valid.";
        return Problems.Make(http, exception.StatusCode, "validation_failed", $"{field}: {message}", new Dictionary<string, string[]> { [field] = [message] });
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex SafeRequestId();

    [GeneratedRegex("parameter \"[^\"]*? (?<name>\\w+)\" from \"(?<value>[^\"]*)\"")]
    private static partial Regex BindingFailure();
}
