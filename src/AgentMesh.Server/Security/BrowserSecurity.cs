using AgentMesh.Server.Http;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Security;

/// <summary>
/// What browsers are told beyond the headers every answer carries: HSTS on HTTPS, a Content-Security-Policy on the
/// API reference page, and CORS for the configured origins only.
/// </summary>
internal static class BrowserSecurity
{
    public const string DocsPath = "/docs";

    /// <summary>One year; sent only over HTTPS, where a browser honours it.</summary>
    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    /// <summary>
    /// The reference page is a script and its settings served by the node itself; the script styles inline and reads
    /// the OpenAPI document from the node. Nothing is fetched from elsewhere, and no page may frame it.
    /// </summary>
    public const string DocsContentSecurityPolicy =
        "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly string[] ExposedHeaders = [RequestPipeline.RequestIdHeader, "Location", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"];

    public static IServiceCollection AddAgentMeshBrowserSecurity(this IServiceCollection services)
    {
        services.AddOptions<CrossOriginOptions>().BindConfiguration(CrossOriginOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CrossOriginOptions>, CrossOriginOptionsValidation>();
        services.AddCors();
        return services;
    }

    /// <summary>Before authentication, so a preflight (which carries no credential) is answered here.</summary>
    public static IApplicationBuilder UseAgentMeshBrowserSecurity(this IApplicationBuilder app)
    {
        app.Use(static (http, next) =>
        {
            if (http.Request.IsHttps)
            {
                http.Response.Headers.StrictTransportSecurity = StrictTransportSecurity;
            }

            if (http.Request.Path.StartsWithSegments(DocsPath))
            {
                http.Response.Headers.ContentSecurityPolicy = DocsContentSecurityPolicy;
            }

            return next(http);
        });

        var origins = app.ApplicationServices.GetRequiredService<IOptions<CrossOriginOptions>>().Value.Origins;
        if (origins.Count > 0)
        {
            app.UseCors(policy => policy
                .WithOrigins([.. origins])
                .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete)
                .WithHeaders("Authorization", "Content-Type", RequestPipeline.RequestIdHeader, "traceparent", "tracestate")
                .WithExposedHeaders(ExposedHeaders)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10)));
        }

        return app;
    }
}
