using AgentMesh.Audit;
using AgentMesh.Engine;
using AgentMesh.Nats;
using AgentMesh.Nats.Outbox;
using AgentMesh.PostgreSql;
using AgentMesh.Protection;
using AgentMesh.Server.Audit;
using AgentMesh.Server.Cluster;
using AgentMesh.Server.Http;
using AgentMesh.Server.RateLimits;
using AgentMesh.Server.Resilience;
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
        builder.Services.AddSingleton<NodeReads>();
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
        return builder.AddAgentMeshResilience();
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

    /// <summary>
    /// The audit log: this node's chain in <c>&lt;data&gt;/audit.db</c> (a file of its own, so audit writes never
    /// queue behind task commits), checkpoints signed with the key from <c>AgentMesh:Audit:SigningKey</c> or the key
    /// file (created on first start, mode 0600).
    /// </summary>
    public static WebApplicationBuilder AddAgentMeshAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
            .Validate(static o => !string.IsNullOrWhiteSpace(o.Chain) && o.Chain.Length <= 128, "AgentMesh:Audit:Chain must be 1 to 128 characters.")
            .Validate(static o => o.QueueCapacity > 0 && o.BatchSize > 0 && o.CheckpointEvery > 0, "AgentMesh:Audit sizes must be positive.")
            .Validate(static o => o.CheckpointInterval > TimeSpan.Zero, "AgentMesh:Audit:CheckpointInterval must be positive.")
            .Validate(static o => string.IsNullOrEmpty(o.SigningKey) || IsSeed(o.SigningKey), "AgentMesh:Audit:SigningKey must be the base64 of a 32-byte Ed25519 private key.")
            .Validate(static o => string.IsNullOrEmpty(o.SubjectKey) || IsSeed(o.SubjectKey), "AgentMesh:Audit:SubjectKey must be the base64 of a 32-byte key.")
            .ValidateOnStart();
        builder.AddAgentMeshAuditStore();
        builder.Services.AddSingleton(static sp =>
            AuditStorage.Signer(sp.GetRequiredService<IOptions<AuditOptions>>().Value, sp.GetRequiredService<IOptions<NodeOptions>>().Value.DataPath));
        builder.Services.AddSingleton(static sp => new AuditAppender(
            sp.GetRequiredService<IAuditStore>(),
            sp.GetRequiredService<CheckpointSigner>(),
            sp.GetRequiredService<IOptions<AuditOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AuditAppender>>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<AuditSubjects>()));
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<AuditAppender>());
        builder.AddAgentMeshAuditForwarding();
        builder.AddAgentMeshAuditAlerts();
        return builder;
    }

    /// <summary>Alerts on sensitive actions, when <c>AgentMesh:Audit:Alerts:Url</c> names a webhook.</summary>
    private static void AddAgentMeshAuditAlerts(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AuditAlertOptions.Section).Get<AuditAlertOptions>() ?? new AuditAlertOptions();
        if (options.Url is null)
        {
            return;
        }

        if (!options.Url.IsAbsoluteUri || options.Url.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException("AgentMesh:Audit:Alerts:Url must be an absolute http or https URL.");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(options.Secret ?? "") < 32 || options.AuthFailureThreshold < 1 || options.AuthFailureWindow <= TimeSpan.Zero || options.Timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("AgentMesh:Audit:Alerts: Secret must be at least 32 bytes; AuthFailureThreshold, AuthFailureWindow and Timeout must be positive.");
        }

        builder.Services.AddHttpClient(nameof(AuditAlerter));
        builder.Services.AddHostedService(sp => new AuditAlerter(
            sp.GetRequiredService<AuditAppender>(),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(AuditAlerter)),
            options,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AuditAlerter>>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
    }

    /// <summary>SIEM forwarding of this node's chain, when <c>AgentMesh:Audit:Forwarding</c> names a syslog host or a webhook.</summary>
    private static void AddAgentMeshAuditForwarding(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AuditForwardingOptions.Section);
        var options = section.Get<AuditForwardingOptions>() ?? new AuditForwardingOptions();
        if (options.Webhook.Url is not null && (!options.Webhook.Url.IsAbsoluteUri || options.Webhook.Url.Scheme is not ("http" or "https")))
        {
            throw new InvalidOperationException("AgentMesh:Audit:Forwarding:Webhook:Url must be an absolute http or https URL.");
        }

        if (options.Webhook.Url is not null && System.Text.Encoding.UTF8.GetByteCount(options.Webhook.Secret ?? "") < 32)
        {
            throw new InvalidOperationException("AgentMesh:Audit:Forwarding:Webhook:Secret must be at least 32 bytes.");
        }

        if (options.Interval <= TimeSpan.Zero || options.BatchSize <= 0 || options.Syslog.Port is <= 0 or > 65535)
        {
            throw new InvalidOperationException("AgentMesh:Audit:Forwarding: Interval and BatchSize must be positive and Syslog:Port a TCP port.");
        }

        if (string.IsNullOrEmpty(options.Syslog.Host) && options.Webhook.Url is null)
        {
            return;
        }

        if (!string.IsNullOrEmpty(options.Syslog.Host))
        {
            builder.Services.AddSingleton<IAuditSink>(new SyslogTcpSink(options.Syslog));
        }

        if (options.Webhook.Url is not null)
        {
            builder.Services.AddHttpClient(nameof(WebhookSink));
            builder.Services.AddSingleton<IAuditSink>(static sp => new WebhookSink(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WebhookSink)),
                sp.GetRequiredService<IConfiguration>().GetSection(AuditForwardingOptions.Section).Get<AuditForwardingOptions>()!.Webhook,
                sp.GetRequiredService<TimeProvider>()));
        }

        builder.Services.AddHostedService(sp => new AuditForwarder(
            sp.GetRequiredService<IAuditStore>(),
            sp.GetServices<IAuditSink>(),
            options,
            sp.GetRequiredService<IOptions<AuditOptions>>().Value.Chain,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AuditForwarder>>()));
    }

    private static bool IsSeed(string text)
    {
        Span<byte> seed = stackalloc byte[64];
        return Convert.TryFromBase64String(text, seed, out var written) && written == CheckpointSigner.SeedSize;
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
        builder.AddAgentMeshRedis();
        builder.Services.AddOpenApi();
        return builder;
    }
}
