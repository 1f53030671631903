using System.CommandLine;
using System.Globalization;
using AgentMesh.Audit;
using AgentMesh.Cli.Audit;
using AgentMesh.Cli.Output;
using AgentMesh.Cli.Serve;
using AgentMesh.PostgreSql;
using AgentMesh.Server.Hosting;
using AgentMesh.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Cli.Migrate;

/// <summary>
/// <c>agentmesh migrate</c>: brings a store's schema to this version without starting a node (a node also
/// migrates on start). For PostgreSQL, run it once per upgrade before rolling the nodes; nodes starting
/// together are safe too, one migrates while the others wait. Each run is recorded in the store's audit log
/// (<see cref="OfflineAudit"/>), with the schema version before and after.
/// </summary>
internal static class MigrateCommand
{
    private const string Action = "store.migrate";

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data folder of an embedded node (its agentmesh.db).", DefaultValueFactory = static _ => "./data" };
        var stores = new StoreArguments();
        var command = new Command("migrate", "Create or upgrade a store's schema (embedded SQLite, or PostgreSQL with --store postgres); recorded in that store's audit log.") { data };
        stores.AddTo(command);
        OfflineAction.Set(command, async (result, output, cancellationToken) =>
        {
            using var problem = new StringWriter();
            var kind = stores.Kind(result, problem) ?? throw new UsageException(problem.ToString().Trim());
            var settings = NodeSettings.Read(result);
            var dataPath = Path.GetFullPath(result.GetValue(data)!);
            if (kind == StoreKind.Postgres)
            {
                var connectionString = stores.PostgresConnectionString(result, settings)
                    ?? throw new UsageException("migrate: --store postgres needs --postgres <connection string> (or ConnectionStrings__Postgres).");
                var audit = OfflineAudit.Open(settings, dataPath, connectionString, Action, DataClassification.Internal, output.Error);
                await audit.RunAsync(async () =>
                {
                    await using var postgres = new PostgresMeshStore(new PostgresStoreOptions { ConnectionString = connectionString }, NullLoggerFactory.Instance);
                    audit.ResourceId = "postgres " + postgres.Description;
                    await postgres.InitializeAsync(cancellationToken);
                    Versions(audit, postgres.PreviousSchemaVersion, postgres.SchemaVersion);
                    await output.Out.WriteLineAsync($"PostgreSQL store {postgres.Description}: schema version {postgres.SchemaVersion}");
                });
            }
            else
            {
                DataFolder.Create(dataPath);
                var path = Path.Combine(dataPath, "agentmesh.db");
                var audit = OfflineAudit.Open(settings, dataPath, postgres: null, Action, DataClassification.Internal, output.Error);
                audit.ResourceId = path;
                await audit.RunAsync(async () =>
                {
                    await using var sqlite = new SqliteMeshStore(new SqliteStoreOptions { Path = path }, NullLogger<SqliteMeshStore>.Instance);
                    await sqlite.InitializeAsync(cancellationToken);
                    Versions(audit, sqlite.PreviousSchemaVersion, sqlite.SchemaVersion);
                    await output.Out.WriteLineAsync($"SQLite store {sqlite.FilePath}: schema version {sqlite.SchemaVersion}");
                });
            }
        });
        return command;
    }

    private static void Versions(OfflineAudit audit, int before, int after)
    {
        audit.Details["schema_before"] = before.ToString(CultureInfo.InvariantCulture);
        audit.Details["schema_after"] = after.ToString(CultureInfo.InvariantCulture);
    }
}
