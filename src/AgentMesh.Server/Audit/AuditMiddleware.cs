using System.Diagnostics;
using AgentMesh.Audit;
using AgentMesh.Server.Security;
using Microsoft.Extensions.Primitives;

namespace AgentMesh.Server.Audit;

/// <summary>
/// Audits every request under <c>/v1</c> that is a write, a denial (401, 403, or a tenant hidden as 404), or a read
/// of an endpoint marked with <see cref="AuditReads"/>; recorded when the response starts, so a stream is audited
/// when it opens. Only the method, route, status, response location and query (secrets redacted) are recorded —
/// never bodies or headers.
/// </summary>
internal sealed class AuditMiddleware(RequestDelegate next, AuditAppender appender, TimeProvider time, Microsoft.Extensions.Options.IOptions<AuditOptions> options)
{
    private const int MaxValueLength = 256;
    private readonly bool _enabled = options.Value.Enabled;

    public async Task InvokeAsync(HttpContext http)
    {
        if (!_enabled || !http.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal) || http.GetEndpoint() is not RouteEndpoint endpoint)
        {
            await next(http);
            return;
        }

        var state = new Pending(this, http, endpoint);
        http.Response.OnStarting(static s => ((Pending)s).RecordAsync(null).AsTask(), state);
        try
        {
            await next(http);
        }
        catch (Exception exception) when (!http.Response.HasStarted)
        {
            await state.RecordAsync(exception);
            throw;
        }

        await state.RecordAsync(null);
    }

    private AuditEvent? Describe(HttpContext http, RouteEndpoint endpoint, Exception? exception)
    {
        var method = http.Request.Method;
        var status = exception is null ? http.Response.StatusCode : StatusCodes.Status500InternalServerError;
        var shape = AuditShape.Of(endpoint, method);
        var denial = status switch
        {
            StatusCodes.Status401Unauthorized => AccessDenials.Reason(http) ?? "unauthenticated",
            StatusCodes.Status403Forbidden => AccessDenials.Reason(http) ?? "forbidden",
            _ => AccessDenials.Reason(http),
        };
        var write = !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method);
        if (denial is null && !write && !shape.AuditsReads)
        {
            return null;
        }

        var outcome = denial is not null ? AuditOutcome.Denied : status < 400 ? AuditOutcome.Success : AuditOutcome.Failed;
        var routeValues = http.Request.RouteValues;
        var tenant = routeValues.TryGetValue("tenant", out var t) ? t as string : null;
        var resourceId = shape.IdParameter is not null && routeValues.TryGetValue(shape.IdParameter, out var id) ? id as string : null;
        resourceId ??= AuditedResource.Get(http);
        if (resourceId is null && status == StatusCodes.Status201Created && http.Response.Headers.Location is { Count: > 0 } location)
        {
            var created = location.ToString();
            resourceId = created[(created.LastIndexOf('/') + 1)..];
        }

        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["method"] = method,
            ["route"] = endpoint.RoutePattern.RawText ?? http.Request.Path.Value ?? "",
            ["status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, values) in http.Request.Query)
        {
            details["query." + Clip(name)] = AuditRedaction.IsSecretName(name) ? AuditRedaction.Redacted : Clip(values.ToString());
        }

        if (denial == "unauthenticated")
        {
            details["credential"] = http.Request.Headers.Authorization.Count > 0 ? "rejected" : "missing";
        }

        if (exception is not null)
        {
            details["error"] = exception.GetType().Name;
        }

        return new AuditEvent(
            time.GetUtcNow(),
            tenant,
            ActorOf(http),
            shape.Action,
            new AuditResource(shape.ResourceType, resourceId is null ? null : Clip(resourceId)),
            outcome,
            denial ?? (outcome == AuditOutcome.Failed ? "status_" + details["status"] : null),
            http.TraceIdentifier,
            Activity.Current?.TraceId.ToHexString(),
            shape.Classification,
            details);
    }

    private ValueTask AppendAsync(AuditEvent auditEvent) => appender.AppendAsync(auditEvent, CancellationToken.None);

    private static AuditActor ActorOf(HttpContext http)
    {
        var ip = http.Connection.RemoteIpAddress?.ToString();
        var userAgent = http.Request.Headers.UserAgent is { Count: > 0 } agent ? Clip(agent.ToString()) : null;
        var caller = Caller.From(http.User);
        if (caller is null)
        {
            return new AuditActor("anonymous", null, ip, userAgent);
        }

        var type = http.User.FindFirst(CallerClaims.KeyId) is not null ? "api_key" : "token";
        return new AuditActor(type, Clip(caller.Id), ip, userAgent);
    }

    private static string Clip(string value) => value.Length <= MaxValueLength ? value : value[..MaxValueLength];

    private static string Clip(StringValues value) => Clip(value.ToString());

    private sealed class Pending(AuditMiddleware owner, HttpContext http, RouteEndpoint endpoint)
    {
        private int _recorded;

        public ValueTask RecordAsync(Exception? exception)
        {
            if (Interlocked.Exchange(ref _recorded, 1) == 1)
            {
                return ValueTask.CompletedTask;
            }

            var auditEvent = owner.Describe(http, endpoint, exception);
            return auditEvent is null ? ValueTask.CompletedTask : owner.AppendAsync(auditEvent);
        }
    }
}
