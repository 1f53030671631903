using System.CommandLine;
using AgentMesh.Cli.Serve;
using AgentMesh.PostgreSql;
using AgentMesh.Server.Hosting;
using AgentMesh.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Cli.Migrate;

/// <summary>
/// <c>agentmesh migrate</c>: brings a store's schema to this version without starting a node (a node also
/// migrates on start). For PostgreSQL, run it once per upgrade before rolling the nodes; nodes starting
/// together are safe too, one migrates while the others wait.
/// </summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data folder of an embedded node (its agentmesh.db).", DefaultValueFactory = static _ => "./data" };
        var stores = new StoreArguments();
        var command = new Command("migrate", "Create or upgrade a store's schema (embedded SQLite, or PostgreSQL with --store postgres).") { data };
        stores.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            switch (stores.Kind(result, error))
            {
                case StoreKind.Postgres:
                    var connectionString = result.GetValue(stores.Postgres) ?? Environment.GetEnvironmentVariable("ConnectionStrings__Postgres");
                    if (string.IsNullOrWhiteSpace(connectionString))
                    {
                        await error.WriteLineAsync("migrate: --store postgres needs --postgres <connection string> (or ConnectionStrings__Postgres).");
                        return 2;
                    }

                    await using (var postgres = new PostgresMeshStore(new PostgresStoreOptions { ConnectionString = connectionString }, NullLoggerFactory.Instance))
                    {
                        await postgres.InitializeAsync(cancellationToken);
                        await output.WriteLineAsync($"PostgreSQL store {postgres.Description}: schema version {postgres.SchemaVersion}");
                    }

                    return 0;
                case StoreKind.Sqlite:
                    var path = Path.Combine(Path.GetFullPath(result.GetValue(data)!), "agentmesh.db");
                    await using (var sqlite = new SqliteMeshStore(new SqliteStoreOptions { Path = path }, NullLogger<SqliteMeshStore>.Instance))
                    {
                        await sqlite.InitializeAsync(cancellationToken);
                        await output.WriteLineAsync($"SQLite store {sqlite.FilePath}: schema version {sqlite.SchemaVersion}");
                    }

                    return 0;
                default:
                    return 2;
            }
        });
        return command;
    }
}
