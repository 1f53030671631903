using AgentMesh.Engine;
using AgentMesh.Server.Agents;
using AgentMesh.Server.Audit;
using AgentMesh.Server.Caching;
using AgentMesh.Server.Events;
using AgentMesh.Server.Health;
using AgentMesh.Server.Http;
using AgentMesh.Server.Keys;
using AgentMesh.Server.Logging;
using AgentMesh.Server.Security;
using AgentMesh.Server.Tasks;
using AgentMesh.Server.Telemetry;
using AgentMesh.Server.Tenants;
using Scalar.AspNetCore;

namespace AgentMesh.Server.Hosting;

/// <summary>Builds an AgentMesh node: the composition root, read top to bottom.</summary>
public static partial class AgentMeshNode
{
    /// <summary>Creates a node from command-line arguments and the usual configuration sources (appsettings.json, <c>AgentMesh__…</c> variables).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder([.. args, SettingsFiles.NoTreeWatch]);
        var settingsFiles = SettingsFiles.WatchByPolling(builder);

        // Defaults under every other source, so appsettings.json and AgentMesh__… variables still win.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
                ["Logging:LogLevel:Npgsql"] = "Warning",
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
            },
        });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(NodeOptions.DefaultUrl);
        }

        var dataPath = builder.Configuration[$"{NodeOptions.Section}:{nameof(NodeOptions.DataPath)}"] is { Length: > 0 } configured ? configured : new NodeOptions().DataPath;
        DataFolder.Create(dataPath);

        builder.AddAgentMeshEngine();
        builder.AddAgentMeshEncryption();
        builder.AddAgentMeshStore();
        builder.AddAgentMeshEventRelay();
        builder.AddAgentMeshAudit();
        builder.AddAgentMeshApi();
        builder.AddAgentMeshCache();
        builder.AddAgentMeshTelemetry();
        builder.AddAgentMeshLogging();
        builder.AddAgentMeshHealth();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(settingsFiles.Dispose);
        if (DataFolder.OpenToOthers(dataPath) is { } mode)
        {
            LogDataFolderOpen(app.Logger, Path.GetFullPath(dataPath), Convert.ToString((int)mode, 8));
        }

        app.UseAgentMeshPipeline();
        app.MapAgentMesh();
        return app;
    }

    /// <summary>Every endpoint of the node.</summary>
    public static void MapAgentMesh(this WebApplication app)
    {
        app.MapHealth();
        app.MapMetrics();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", static options => options.WithOpenApiRoutePattern("/openapi/{documentName}.json").DisableDefaultFonts());

        var api = app.MapGroup("/v1").WithAccessControl();
        api.MapTenants();
        api.MapAudit();
        var tenant = api.MapGroup("/tenants/{tenant}");
        tenant.MapKeys();
        tenant.MapAgents();
        tenant.MapTasks();
        tenant.MapEvents();
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "The data folder {Path} can be opened by other users (mode {Mode}); it holds the databases and keys: restrict it to the node's user (chmod 700)")]
    private static partial void LogDataFolderOpen(ILogger logger, string path, string mode);
}
