using System.CommandLine;
using AgentMesh.Audit;
using AgentMesh.Cli.Audit;
using AgentMesh.Cli.Output;
using AgentMesh.Cli.Serve;
using AgentMesh.PostgreSql;
using AgentMesh.Protection;
using AgentMesh.Server.Hosting;
using AgentMesh.Server.Security;
using AgentMesh.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Cli.Encryption;

/// <summary>
/// <c>agentmesh keys rotate|reencrypt</c>: the encryption keys of task input and output, against an embedded node's data
/// folder (stop the node first) or a cluster's PostgreSQL. Keys come from the same settings the node reads: <c>appsettings.json</c> here,
/// <c>AgentMesh__Encryption__*</c> variables, and <c>--AgentMesh:Encryption:… value</c> after the command. Each run is
/// recorded in the audit log the node on that data folder or cluster keeps (<see cref="OfflineAudit"/>).
/// </summary>
internal static class EncryptionKeyCommands
{
    public static Command Create()
    {
        var group = new Command("keys", "Encryption keys of task input and output at rest: a stopped node's data folder, or a cluster's PostgreSQL.")
        {
            RotateCommand(),
            ReencryptCommand(),
        };
        Usage.SetGroupAction(group);
        return group;
    }

    private static Command RotateCommand()
    {
        var keys = new KeyArguments();
        var stores = new StoreArguments();
        var command = new Command(
            "rotate",
            "Add a new key to the key file; the node writes with it after its next start. Recorded in the data folder's audit log, or the cluster's with --store postgres.");
        keys.AddTo(command);
        command.Options.Add(stores.Store);
        command.Options.Add(stores.Postgres);
        OfflineAction.Set(command, async (result, output, _) =>
        {
            var (options, dataPath) = keys.Settings(result);
            var path = options.KeyFilePath(dataPath)
                ?? throw new InvalidOperationException($"Keys come from {EncryptionOptions.Section}:Keys: add one there and set {EncryptionOptions.Section}:CurrentKey.");
            if (!string.IsNullOrEmpty(options.KeyFile) && !File.Exists(path))
            {
                throw new InvalidOperationException($"{EncryptionOptions.Section}:KeyFile: the key file {path} does not exist.");
            }

            if (string.Equals(Path.GetDirectoryName(Path.GetFullPath(path)), dataPath, StringComparison.Ordinal))
            {
                DataFolder.Create(dataPath);
            }

            var audit = OpenAudit(result, dataPath, ClusterDatabase(result, stores), "encryption_key.rotate", output);
            await audit.RunAsync(async () =>
            {
                audit.Details["key_file"] = path;
                if (File.Exists(path))
                {
                    audit.Details["previous_key"] = PayloadKeyFile.Read(path, $"{EncryptionOptions.Section}:KeyFile").CurrentKeyId;
                }

                var id = PayloadKeyFile.AddKey(path);
                audit.ResourceId = id;
                await output.Out.WriteLineAsync($"Added key {id} to {path}. Restart the nodes that read it to write with it, then run 'agentmesh keys reencrypt'.");
            });
        });
        return command;
    }

    private static Command ReencryptCommand()
    {
        var keys = new KeyArguments();
        var stores = new StoreArguments();
        var command = new Command(
            "reencrypt",
            "Rewrite every task's input and output under the newest key: an embedded node's database (stop the node), or PostgreSQL with --store postgres (nodes may run); recorded in that store's audit log.");
        keys.AddTo(command);
        command.Options.Add(stores.Store);
        command.Options.Add(stores.Postgres);
        OfflineAction.Set(command, async (result, output, cancellationToken) =>
        {
            var (options, dataPath) = keys.Settings(result);
            if (!options.Enabled)
            {
                throw new InvalidOperationException($"{EncryptionOptions.Section}:Enabled is false: there is no key to encrypt with.");
            }

            if (ClusterDatabase(result, stores) is { } connectionString)
            {
                await ReencryptPostgresAsync(result, connectionString, options, dataPath, output, cancellationToken);
                return;
            }

            var configuration = NodeSettings.Read(result);
            var databasePath = Path.GetFullPath(configuration["AgentMesh:Sqlite:Path"] is { Length: > 0 } configured ? configured : Path.Combine(dataPath, "agentmesh.db"));
            if (!File.Exists(databasePath))
            {
                throw new InvalidOperationException($"There is no database at {databasePath}.");
            }

            if (options.Keys.Count == 0 && !File.Exists(options.KeyFilePath(dataPath)))
            {
                throw new InvalidOperationException($"{EncryptionOptions.Section}:KeyFile: the key file {options.KeyFilePath(dataPath)} does not exist.");
            }

            var audit = OpenAudit(result, dataPath, postgres: null, "encryption_key.reencrypt", output);
            var report = new ReencryptReport(output.Out, TimeProvider.System);
            await audit.RunAsync(async () =>
            {
                audit.Details["store"] = databasePath;
                try
                {
                    using var protector = (AesGcmPayloadProtector)options.CreateProtector(dataPath);
                    audit.ResourceId = protector.Keyring.CurrentKeyId;
                    await using var store = new SqliteMeshStore(new SqliteStoreOptions { Path = databasePath }, NullLogger<SqliteMeshStore>.Instance, protector);
                    await store.InitializeAsync(cancellationToken);
                    var rewritten = await store.ReencryptAsync(report, cancellationToken);
                    await output.Out.WriteLineAsync($"Re-encrypted {rewritten} tasks under key {protector.Keyring.CurrentKeyId} in {databasePath}.");
                }
                finally
                {
                    Progress(audit, report);
                }
            });
        });
        return command;
    }

    /// <summary>A cluster's tasks, under the key file (or keys) every node shares; rows a node changes meanwhile are left to it.</summary>
    private static async Task ReencryptPostgresAsync(
        ParseResult result, string connectionString, EncryptionOptions options, string dataPath, CommandOutput output, CancellationToken cancellationToken)
    {
        if (options.Keys.Count == 0 && string.IsNullOrEmpty(options.KeyFile))
        {
            throw new InvalidOperationException($"{EncryptionOptions.Section}:KeyFile: give the key file the cluster's nodes share (--key-file <path>).");
        }

        if (options.Keys.Count == 0 && !File.Exists(options.KeyFilePath(dataPath)))
        {
            throw new InvalidOperationException($"{EncryptionOptions.Section}:KeyFile: the key file {options.KeyFilePath(dataPath)} does not exist.");
        }

        var audit = OpenAudit(result, dataPath, connectionString, "encryption_key.reencrypt", output);
        var report = new ReencryptReport(output.Out, TimeProvider.System);
        await audit.RunAsync(async () =>
        {
            try
            {
                using var protector = (AesGcmPayloadProtector)options.CreateProtector(dataPath, sharedStore: true);
                audit.ResourceId = protector.Keyring.CurrentKeyId;
                await using var store = new PostgresMeshStore(new PostgresStoreOptions { ConnectionString = connectionString }, NullLoggerFactory.Instance, protector);
                audit.Details["store"] = "postgres " + store.Description;
                await store.InitializeAsync(cancellationToken);
                var rewritten = await store.ReencryptAsync(report, cancellationToken);
                await output.Out.WriteLineAsync($"Re-encrypted {rewritten} tasks under key {protector.Keyring.CurrentKeyId} in PostgreSQL store {store.Description}.");
                if (report.Last.Skipped > 0)
                {
                    await output.Out.WriteLineAsync($"{report.Last.Skipped} tasks changed while being re-encrypted were left as their node wrote them: run the command again.");
                }
            }
            finally
            {
                Progress(audit, report);
            }
        });
    }

    /// <summary>The cluster database the command names (<c>--store postgres</c>), or null for a data folder.</summary>
    private static string? ClusterDatabase(ParseResult result, StoreArguments stores)
    {
        using var problem = new StringWriter();
        var kind = stores.Kind(result, problem) ?? throw new InvalidOperationException(problem.ToString().Trim());
        return kind != StoreKind.Postgres
            ? null
            : stores.PostgresConnectionString(result, NodeSettings.Read(result))
                ?? throw new InvalidOperationException("--store postgres needs --postgres <connection string> (or ConnectionStrings__Postgres).");
    }

    /// <summary>The audit entry of a key command, in the audit log of the data folder or, with <paramref name="postgres"/>, the cluster's.</summary>
    private static OfflineAudit OpenAudit(ParseResult result, string dataPath, string? postgres, string action, CommandOutput output) =>
        OfflineAudit.Open(NodeSettings.Read(result), dataPath, postgres, action, DataClassification.Restricted, output.Error);

    private static void Progress(OfflineAudit audit, ReencryptReport report)
    {
        audit.Details["tasks_read"] = report.Last.Scanned.ToString(System.Globalization.CultureInfo.InvariantCulture);
        audit.Details["tasks_rewritten"] = report.Last.Rewritten.ToString(System.Globalization.CultureInfo.InvariantCulture);
        audit.Details["tasks_left"] = report.Last.Skipped.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
