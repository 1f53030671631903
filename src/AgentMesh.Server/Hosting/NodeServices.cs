using AgentMesh.Engine;
using AgentMesh.Nats;
using AgentMesh.Nats.Outbox;
using AgentMesh.PostgreSql;
using AgentMesh.Protection;
using AgentMesh.Server.Cluster;
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
        if (ClusterServices.IsCluster(builder.Configuration))
        {
            // The engine runs on the leader only: the coordinator starts it when this node takes the lease.
            builder.Services.AddAgentMeshCluster();
        }
        else
        {
            builder.Services.AddHostedService(static sp => sp.GetRequiredService<MeshEngine>());
            builder.Services.AddHostedService<BootstrapKey>();
        }

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
        var sharedStore = ClusterServices.IsCluster(builder.Configuration);
        builder.Services.AddSingleton<IPayloadProtector>(sp =>
            sp.GetRequiredService<IOptions<EncryptionOptions>>().Value.CreateProtector(sp.GetRequiredService<IOptions<NodeOptions>>().Value.DataPath, sharedStore));
        return builder;
    }

    /// <summary>
    /// The store named by <c>AgentMesh:Store</c>: <c>sqlite</c> (the default, embedded: a file in the data folder;
    /// <c>AgentMesh:Sqlite</c> overrides its path and durability) or <c>postgres</c> (cluster: the database named
    /// by <c>ConnectionStrings:Postgres</c>). Both write task input and output through the
    /// <see cref="IPayloadProtector"/>, and serve as the event outbox.
    /// </summary>
    public static WebApplicationBuilder AddAgentMeshStore(this WebApplicationBuilder builder)
    {
        var kind = StoreKinds.Parse(builder.Configuration[StoreKinds.Setting]);
        if (kind == StoreKind.Postgres)
        {
            var connectionString = builder.Configuration.GetConnectionString("Postgres");
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "AgentMesh:Store is 'postgres' but ConnectionStrings:Postgres is not set (serve --postgres <connection string>, or the ConnectionStrings__Postgres variable).");
            }

            builder.Services.AddSingleton<IMeshStore>(sp => new PostgresMeshStore(
                new PostgresStoreOptions { ConnectionString = connectionString },
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetRequiredService<IPayloadProtector>()));
        }
        else
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
        }

        builder.Services.AddSingleton(static sp => sp.GetRequiredService<IMeshStore>() as IEventOutbox
            ?? throw new InvalidOperationException("The configured store does not implement IEventOutbox; every IMeshStore must."));
        return builder;
    }

    /// <summary>
    /// Cluster mode's event relay: when <c>ConnectionStrings:Nats</c> is set, every committed event is published to
    /// JetStream (settings under <c>AgentMesh:Nats</c>). Without it nothing is added and events stay in-process.
    /// </summary>
    public static WebApplicationBuilder AddAgentMeshEventRelay(this WebApplicationBuilder builder)
    {
        var url = builder.Configuration.GetConnectionString("Nats");
        if (string.IsNullOrWhiteSpace(url))
        {
            return builder;
        }

        builder.Services.AddOptions<NatsRelayOptions>().BindConfiguration(NatsRelayOptions.Section).Configure(o => o.Url = url.Trim());
        builder.Services.AddAgentMeshNatsRelay();
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
