using AgentMesh.Client.Worker;
using LlmAgent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

if (args.Contains("--help") || args.Contains("-h"))
{
    await Console.Out.WriteLineAsync(LlmAgentSettings.Usage);
    return 0;
}

var builder = Host.CreateApplicationBuilder(args);

LlmAgentSettings settings;
try
{
    settings = LlmAgentSettings.Read(builder.Configuration);
}
catch (FormatException exception)
{
    await Console.Error.WriteLineAsync($"LlmAgent: {exception.Message}\n{LlmAgentSettings.Usage}");
    return 2;
}

builder.Services.AddLlmChatClient(builder.Configuration);
var shutdownTimeout = TimeSpan.FromSeconds(30);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout + TimeSpan.FromSeconds(10));

builder.Services.AddAgentMeshWorker(o =>
{
    o.BaseAddress = settings.Urls[0];
    foreach (var fallback in settings.Urls.Skip(1))
    {
        o.FallbackAddresses.Add(fallback);
    }

    o.ApiKey = settings.ApiKey;
    o.Tenant = settings.Tenant;
    o.ShutdownTimeout = shutdownTimeout;
    o.OnRegistered = agent => Console.Out.WriteLine($"agent {agent.Id} started");
}).AddAgent<LlmHandler>(a =>
{
    a.Id = settings.AgentId;
    a.Name = settings.Name ?? settings.AgentId;
    a.Type = "llm";
    a.MaxConcurrency = settings.Concurrency;
    foreach (var capability in settings.Capabilities)
    {
        a.Capabilities.Add(capability);
    }
});

// Handler spans and Polly's resilience metrics (meter "Polly": retries, breaker state changes, timeouts) leave the
// process only through an exporter, configured by the standard OTEL_* variables.
if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
{
    builder.Services.AddOpenTelemetry()
        .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "llm-agent"))
        .WithTracing(static tracing => tracing.AddSource("AgentMesh").AddHttpClientInstrumentation())
        .WithMetrics(static metrics => metrics.AddMeter("Polly"))
        .UseOtlpExporter();
}

using var host = builder.Build();
try
{
    _ = host.Services.GetRequiredService<IOptions<LlmOptions>>().Value;
}
catch (OptionsValidationException exception)
{
    await Console.Error.WriteLineAsync($"LlmAgent: {string.Join(" ", exception.Failures)}\n{LlmAgentSettings.Usage}");
    return 2;
}
catch (InvalidOperationException exception) when (exception.InnerException is FormatException or ArgumentException)
{
    // The configuration binder could not convert a value; its message names the setting.
    await Console.Error.WriteLineAsync($"LlmAgent: {exception.Message}\n{LlmAgentSettings.Usage}");
    return 2;
}

// The host stops, without an exit code, when the agent is refused for good (a bad key, a terminated id).
var workers = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToArray();
await host.RunAsync();
return workers.Any(w => w.ExecuteTask is { IsFaulted: true }) ? 1 : 0;
