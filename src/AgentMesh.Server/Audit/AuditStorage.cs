using AgentMesh.Audit;
using AgentMesh.PostgreSql.Audit;
using AgentMesh.Server.Hosting;
using AgentMesh.Sqlite.Audit;
using AgentMesh.Storage;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Audit;

/// <summary>How the node's audit store and personal-data sealing are put together.</summary>
internal static class AuditStorage
{
    /// <summary>
    /// The audit store beside the mesh store: with <c>AgentMesh:Store</c> <c>postgres</c>, the cluster's database
    /// (every node's chain in one place); otherwise <c>&lt;data&gt;/audit.db</c>. Personal fields are sealed with the
    /// subject master key from <c>AgentMesh:Audit:SubjectKey</c> or its key file. Nodes sharing a database must name
    /// both that key and the checkpoint signing key explicitly, so that they all hold the same ones.
    /// </summary>
    public static WebApplicationBuilder AddAgentMeshAuditStore(this WebApplicationBuilder builder)
    {
        var shared = StoreKinds.Parse(builder.Configuration[StoreKinds.Setting]) == StoreKind.Postgres;
        if (shared)
        {
            // Every node verifies and opens every node's chain: they need the same keys, so none may make up its own.
            builder.Services.AddOptions<AuditOptions>()
                .Validate(
                    static o => !string.IsNullOrEmpty(o.SigningKey) || !string.IsNullOrEmpty(o.SigningKeyFile),
                    "AgentMesh:Store is 'postgres': set AgentMesh:Audit:SigningKey or AgentMesh:Audit:SigningKeyFile to the same checkpoint signing key on every node.")
                .Validate(
                    static o => !string.IsNullOrEmpty(o.SubjectKey) || !string.IsNullOrEmpty(o.SubjectKeyFile),
                    "AgentMesh:Store is 'postgres': set AgentMesh:Audit:SubjectKey or AgentMesh:Audit:SubjectKeyFile to the same key on every node (the audit log's subject master key: the base64 of 32 random bytes).");
        }

        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AuditOptions>>().Value;
            var dataPath = sp.GetRequiredService<IOptions<NodeOptions>>().Value.DataPath;

            var key = string.IsNullOrEmpty(options.SubjectKey)
                ? SubjectKeyFile.LoadOrCreate(options.SubjectKeyFile ?? Path.Combine(dataPath, SubjectKeyFile.DefaultName))
                : SubjectKeyFile.Parse(options.SubjectKey, "AgentMesh:Audit:SubjectKey");
            IAuditStore store = shared
                ? new PostgresAuditStore(sp.GetRequiredService<IConfiguration>().GetConnectionString("Postgres")!, options.Chain, sp.GetRequiredService<ILogger<PostgresAuditStore>>())
                : new SqliteAuditStore(options.Path ?? Path.Combine(dataPath, "audit.db"));
            return new AuditSubjects(key, store);
        });
        builder.Services.AddSingleton<IAuditStore>(static sp => new OpeningAuditStore(sp.GetRequiredService<AuditSubjects>()));
        return builder;
    }
}
