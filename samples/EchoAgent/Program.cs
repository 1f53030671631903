using AgentMesh.Client.Worker;
using EchoAgent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

var builder = Host.CreateApplicationBuilder(args);

EchoAgentSettings settings;
try
{
    settings = EchoAgentSettings.Read(builder.Configuration);
}
catch (FormatException exception)
{
    await Console.Error.WriteLineAsync($"EchoAgent: {exception.Message}\n{EchoAgentSettings.Usage}");
    return 2;
}

builder.Services.AddSingleton(settings);
var shutdownTimeout = TimeSpan.FromSeconds(30);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout + TimeSpan.FromSeconds(10));

var worker = builder.Services.AddAgentMeshWorker(o =>
{
    o.BaseAddress = settings.Urls[0];
    foreach (var fallback in settings.Urls.Skip(1))
    {
        o.FallbackAddresses.Add(fallback);
    }

    o.ApiKey = settings.ApiKey;
    o.Tenant = settings.Tenant;
    o.ShutdownTimeout = shutdownTimeout;
    o.Autonomy.Enabled = settings.Autonomy;
    o.OnRegistered = agent => Console.Out.WriteLine($"agent {agent.Id} started");
});

// The SDK's handler spans (ActivitySource "AgentMesh") continue each task's trace; they leave the process only
// through an exporter, configured by the standard OTEL_* variables.
if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
{
    builder.Services.AddOpenTelemetry()
        .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "echo-agent"))
        .WithTracing(static tracing => tracing.AddSource("AgentMesh").AddHttpClientInstrumentation())
        .UseOtlpExporter();
}

foreach (var id in settings.AgentIds)
{
    worker.AddAgent<EchoHandler>(a =>
    {
        a.Id = id;
        a.Name = settings.Name ?? id;
        a.Type = "echo";
        a.MaxConcurrency = settings.Concurrency;
        a.QueueCapacity = settings.QueueCapacity;
        foreach (var capability in settings.Capabilities)
        {
            a.Capabilities.Add(capability);
        }
    });
}

using var host = builder.Build();

// The host stops, without an exit code, when an agent is refused for good (a bad key, a terminated id).
var workers = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToArray();
await host.RunAsync();
return workers.Any(w => w.ExecuteTask is { IsFaulted: true }) ? 1 : 0;
