using AgentMesh.Engine;
using AgentMesh.Protection;
using AgentMesh.Server.Http;
using AgentMesh.Server.RateLimits;
using AgentMesh.Server.Security;
using AgentMesh.Sqlite;
using AgentMesh.Storage;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Hosting;

/// <summary>Service registration, one method per concern.</summary>
public static class NodeServices
{
    public static WebApplicationBuilder AddAgentMeshEngine(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.Section)
            .Validate(static o => !string.IsNullOrWhiteSpace(o.DataPath), "AgentMesh:Node:DataPath is required.")
            .Validate(static o => o.MaxRequestBodyBytes >= 64 * 1024, "AgentMesh:Node:MaxRequestBodyBytes must be at least 65536.")
            .ValidateOnStart();
        builder.Services.AddOptions<MeshEngineOptions>().BindConfiguration("AgentMesh:Engine")
            .Validate(static o => o.RoutingWeights.IsValid, "AgentMesh:Engine:RoutingWeights must be non-negative and sum to 1.")
            .Validate(static o => o.HeartbeatTimeout > TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero, "AgentMesh:Engine timeouts must be positive.")
            .Validate(static o => o.MaxInputBytes > 0 && o.CommitQueueCapacity > 0 && o.CommitBatchSize > 0 && o.DispatchQuantum > 0, "AgentMesh:Engine sizes must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MeshEngine>();
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<MeshEngine>());
        builder.Services.AddHostedService<BootstrapKey>();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
            kestrel.Limits.MaxRequestBodySize = context.Configuration.GetValue<long?>($"{NodeOptions.Section}:MaxRequestBodyBytes") ?? new NodeOptions().MaxRequestBodyBytes);
        builder.Services.Configure<HostOptions>(static o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    /// <summary>
    /// The <see cref="IPayloadProtector"/> every store writes task input and output through, as <c>AgentMesh:Encryption</c>
    /// says. Resolved when the store is, so an unusable key stops the start.
    /// </summary>
    public static WebApplicationBuilder AddAgentMeshEncryption(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EncryptionOptions>().BindConfiguration(EncryptionOptions.Section);
        builder.Services.AddSingleton<IPayloadProtector>(static sp =>
            sp.GetRequiredService<IOptions<EncryptionOptions>>().Value.CreateProtector(sp.GetRequiredService<IOptions<NodeOptions>>().Value.DataPath));
        return builder;
    }

    /// <summary>
    /// The embedded store: SQLite in the data folder (<c>AgentMesh:Sqlite</c> overrides its path and durability), with task
    /// input and output through the <see cref="IPayloadProtector"/>.
    /// </summary>
    public static WebApplicationBuilder AddAgentMeshStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SqliteStoreOptions>().BindConfiguration("AgentMesh:Sqlite");
        builder.Services.AddSingleton<IMeshStore>(static sp =>
        {
            var node = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
            var sqlite = sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
            var configuredPath = sp.GetRequiredService<IConfiguration>()["AgentMesh:Sqlite:Path"];
            if (string.IsNullOrEmpty(configuredPath))
            {
                sqlite.Path = Path.Combine(node.DataPath, "agentmesh.db");
            }

            return new SqliteMeshStore(sqlite, sp.GetRequiredService<ILogger<SqliteMeshStore>>(), sp.GetRequiredService<IPayloadProtector>());
        });
        return builder;
    }

    public static WebApplicationBuilder AddAgentMeshApi(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(static o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJsonContext.Default);
            foreach (var converter in ServerJsonContext.Default.Options.Converters)
            {
                o.SerializerOptions.Converters.Add(converter);
            }

            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        builder.Services.Configure<RouteHandlerOptions>(static o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails();
        builder.Services.AddAgentMeshAuthentication();
        builder.Services.AddAuthorization();
        builder.Services.AddAgentMeshBrowserSecurity();
        builder.Services.AddAgentMeshForwardedHeaders();
        builder.Services.AddAgentMeshRateLimits();
        builder.Services.AddOpenApi();
        return builder;
    }
}
