using Microsoft.Extensions.Logging.Console;

namespace AgentMesh.Server.Logging;

/// <summary>The console log: text by default, or one JSON object per line (<c>AgentMesh:Logging:Format</c> = <c>json</c>), with request id and tenant from a scope per request.</summary>
internal static class NodeLogging
{
    public static WebApplicationBuilder AddAgentMeshLogging(this WebApplicationBuilder builder)
    {
        // Read here, not through IOptions: the logger is configured before the container exists.
        var options = builder.Configuration.GetSection(LoggingOptions.Section).Get<LoggingOptions>() ?? new LoggingOptions();
        if (options.Format == LogFormat.Json)
        {
            builder.Logging.AddConsole(static console => console.FormatterName = JsonLogFormatter.FormatterName);
            builder.Logging.AddConsoleFormatter<JsonLogFormatter, ConsoleFormatterOptions>();
        }

        return builder;
    }

    /// <summary>Pushes the request id, the caller's address and the route's <c>{tenant}</c> as a logging scope for everything logged while the request runs.</summary>
    public static void UseRequestLogScope(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestLogScope).FullName!);
        app.Use(async (http, next) =>
        {
            using (logger.BeginScope(new RequestLogScope(http.TraceIdentifier, http.GetRouteValue("tenant") as string, http.Connection.RemoteIpAddress?.ToString())))
            {
                await next(http);
            }
        });
    }
}
