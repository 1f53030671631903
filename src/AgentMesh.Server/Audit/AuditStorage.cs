using AgentMesh.Audit;
using AgentMesh.PostgreSql.Audit;
using AgentMesh.Server.Hosting;
using AgentMesh.Sqlite.Audit;
using AgentMesh.Storage;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Audit;

/// <summary>
/// How a node's audit store, personal-data sealing and checkpoint signing key are put together from its settings. Public
/// so that the offline commands of the CLI write to the same store, under the same keys, as a node on the same data.
/// </summary>
public static class AuditStorage
{
    private const string SigningKeyRequired =
        "AgentMesh:Store is 'postgres': set AgentMesh:Audit:SigningKey or AgentMesh:Audit:SigningKeyFile to the same checkpoint signing key on every node.";

    private const string SubjectKeyRequired =
        "AgentMesh:Store is 'postgres': set AgentMesh:Audit:SubjectKey or AgentMesh:Audit:SubjectKeyFile to the same key on every node (the audit log's subject master key: the base64 of 32 random bytes).";

    /// <summary>
    /// The audit store beside the mesh store: with <c>AgentMesh:Store</c> <c>postgres</c>, the cluster's database
    /// (every node's chain in one place); otherwise <c>&lt;data&gt;/audit.db</c>. Personal fields are sealed with the
    /// subject master key from <c>AgentMesh:Audit:SubjectKey</c> or its key file. Nodes sharing a database must name
    /// both that key and the checkpoint signing key explicitly, so that they all hold the same ones.
    /// </summary>
    internal static WebApplicationBuilder AddAgentMeshAuditStore(this WebApplicationBuilder builder)
    {
        var shared = StoreKinds.Parse(builder.Configuration[StoreKinds.Setting]) == StoreKind.Postgres;
        if (shared)
        {
            // Every node verifies and opens every node's chain: they need the same keys, so none may make up its own.
            builder.Services.AddOptions<AuditOptions>()
                .Validate(static o => HasSigningKey(o), SigningKeyRequired)
                .Validate(static o => HasSubjectKey(o), SubjectKeyRequired);
        }

        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AuditOptions>>().Value;
            var dataPath = sp.GetRequiredService<IOptions<NodeOptions>>().Value.DataPath;
            var postgres = shared ? sp.GetRequiredService<IConfiguration>().GetConnectionString("Postgres") : null;
            return new AuditSubjects(SubjectKey(options, dataPath), OpenStore(options, options.Chain, dataPath, postgres, sp.GetRequiredService<ILoggerFactory>()));
        });
        builder.Services.AddSingleton<IAuditStore>(static sp => new OpeningAuditStore(sp.GetRequiredService<AuditSubjects>()));
        return builder;
    }

    /// <summary>The audit store a node writes to: the cluster database's with <paramref name="postgres"/> (claiming <paramref name="chain"/> once initialized), otherwise <c>AgentMesh:Audit:Path</c> or <c>&lt;data&gt;/audit.db</c>.</summary>
    public static IAuditStore OpenStore(AuditOptions options, string chain, string dataPath, string? postgres, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        return postgres is not null
            ? new PostgresAuditStore(postgres, chain, loggers.CreateLogger<PostgresAuditStore>())
            : new SqliteAuditStore(options.Path ?? Path.Combine(dataPath, "audit.db"));
    }

    /// <summary>The subject master key: <c>AgentMesh:Audit:SubjectKey</c>, or its key file (default <c>&lt;data&gt;/audit-subjects.key</c>, created on first use).</summary>
    public static byte[] SubjectKey(AuditOptions options, string dataPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrEmpty(options.SubjectKey)
            ? SubjectKeyFile.LoadOrCreate(options.SubjectKeyFile ?? Path.Combine(dataPath, SubjectKeyFile.DefaultName))
            : SubjectKeyFile.Parse(options.SubjectKey, "AgentMesh:Audit:SubjectKey");
    }

    /// <summary>The checkpoint signing key: <c>AgentMesh:Audit:SigningKey</c>, or its key file (default <c>&lt;data&gt;/audit-signing.key</c>, created on first use).</summary>
    public static CheckpointSigner Signer(AuditOptions options, string dataPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrEmpty(options.SigningKey)
            ? SigningKeyFile.LoadOrCreate(options.SigningKeyFile ?? Path.Combine(dataPath, SigningKeyFile.DefaultName))
            : new CheckpointSigner(SigningKeyFile.Parse(options.SigningKey, "AgentMesh:Audit:SigningKey"));
    }

    /// <summary>
    /// On a shared (PostgreSQL) audit store, what is missing for a writer to hold the keys every node holds: the signing
    /// key and the subject master key must be named, not made up. Null when nothing is missing.
    /// </summary>
    public static string? MissingSharedKey(AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return !HasSigningKey(options) ? SigningKeyRequired : !HasSubjectKey(options) ? SubjectKeyRequired : null;
    }

    private static bool HasSigningKey(AuditOptions o) => !string.IsNullOrEmpty(o.SigningKey) || !string.IsNullOrEmpty(o.SigningKeyFile);

    private static bool HasSubjectKey(AuditOptions o) => !string.IsNullOrEmpty(o.SubjectKey) || !string.IsNullOrEmpty(o.SubjectKeyFile);
}
