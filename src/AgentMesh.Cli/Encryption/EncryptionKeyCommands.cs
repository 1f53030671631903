using System.CommandLine;
using System.CommandLine.Invocation;
using AgentMesh.Cli.Output;
using AgentMesh.Cli.Serve;
using AgentMesh.PostgreSql;
using AgentMesh.Protection;
using AgentMesh.Server.Hosting;
using AgentMesh.Server.Security;
using AgentMesh.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Cli.Encryption;

/// <summary>
/// <c>agentmesh keys rotate|reencrypt</c>: the encryption keys of task input and output, against an embedded node's data
/// folder (stop the node first) or a cluster's PostgreSQL. Keys come from the same settings the node reads: <c>appsettings.json</c> here,
/// <c>AgentMesh__Encryption__*</c> variables, and <c>--AgentMesh:Encryption:… value</c> after the command.
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
        var command = new Command("rotate", "Add a new key to the key file; the node writes with it after its next start.");
        keys.AddTo(command);
        command.TreatUnmatchedTokensAsErrors = false;
        command.Action = new KeyAction(async (result, output, _) =>
        {
            var (options, dataPath) = keys.Settings(result);
            var path = options.KeyFilePath(dataPath)
                ?? throw new InvalidOperationException($"Keys come from {EncryptionOptions.Section}:Keys: add one there and set {EncryptionOptions.Section}:CurrentKey.");
            if (!string.IsNullOrEmpty(options.KeyFile) && !File.Exists(path))
            {
                throw new InvalidOperationException($"{EncryptionOptions.Section}:KeyFile: the key file {path} does not exist.");
            }

            var id = PayloadKeyFile.AddKey(path);
            await output.Out.WriteLineAsync($"Added key {id} to {path}. Restart the nodes that read it to write with it, then run 'agentmesh keys reencrypt'.");
        });
        return command;
    }

    private static Command ReencryptCommand()
    {
        var keys = new KeyArguments();
        var stores = new StoreArguments();
        var command = new Command(
            "reencrypt",
            "Rewrite every task's input and output under the newest key: an embedded node's database (stop the node), or PostgreSQL with --store postgres (nodes may run).");
        keys.AddTo(command);
        command.Options.Add(stores.Store);
        command.Options.Add(stores.Postgres);
        command.TreatUnmatchedTokensAsErrors = false;
        command.Action = new KeyAction(async (result, output, cancellationToken) =>
        {
            var (options, dataPath) = keys.Settings(result);
            if (!options.Enabled)
            {
                throw new InvalidOperationException($"{EncryptionOptions.Section}:Enabled is false: there is no key to encrypt with.");
            }

            using var problem = new StringWriter();
            var kind = stores.Kind(result, problem) ?? throw new InvalidOperationException(problem.ToString().Trim());
            if (kind == StoreKind.Postgres)
            {
                await ReencryptPostgresAsync(result, stores, options, dataPath, output, cancellationToken);
                return;
            }

            var configuration = Configuration(result);
            var databasePath = Path.GetFullPath(configuration["AgentMesh:Sqlite:Path"] is { Length: > 0 } configured ? configured : Path.Combine(dataPath, "agentmesh.db"));
            if (!File.Exists(databasePath))
            {
                throw new InvalidOperationException($"There is no database at {databasePath}.");
            }

            if (options.Keys.Count == 0 && !File.Exists(options.KeyFilePath(dataPath)))
            {
                throw new InvalidOperationException($"{EncryptionOptions.Section}:KeyFile: the key file {options.KeyFilePath(dataPath)} does not exist.");
            }

            var protector = (AesGcmPayloadProtector)options.CreateProtector(dataPath);
            using (protector)
            {
                await using var store = new SqliteMeshStore(new SqliteStoreOptions { Path = databasePath }, NullLogger<SqliteMeshStore>.Instance, protector);
                await store.InitializeAsync(cancellationToken);
                var rewritten = await store.ReencryptAsync(new ReencryptReport(output.Out, TimeProvider.System), cancellationToken);
                await output.Out.WriteLineAsync($"Re-encrypted {rewritten} tasks under key {protector.Keyring.CurrentKeyId} in {databasePath}.");
            }
        });
        return command;
    }

    /// <summary>A cluster's tasks, under the key file (or keys) every node shares; rows a node changes meanwhile are left to it.</summary>
    private static async Task ReencryptPostgresAsync(
        ParseResult result, StoreArguments stores, EncryptionOptions options, string dataPath, CommandOutput output, CancellationToken cancellationToken)
    {
        var connectionString = result.GetValue(stores.Postgres) ?? Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") ?? Configuration(result)["ConnectionStrings:Postgres"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("--store postgres needs --postgres <connection string> (or ConnectionStrings__Postgres).");
        }

        if (options.Keys.Count == 0 && string.IsNullOrEmpty(options.KeyFile))
        {
            throw new InvalidOperationException($"{EncryptionOptions.Section}:KeyFile: give the key file the cluster's nodes share (--key-file <path>).");
        }

        if (options.Keys.Count == 0 && !File.Exists(options.KeyFilePath(dataPath)))
        {
            throw new InvalidOperationException($"{EncryptionOptions.Section}:KeyFile: the key file {options.KeyFilePath(dataPath)} does not exist.");
        }

        var protector = (AesGcmPayloadProtector)options.CreateProtector(dataPath, sharedStore: true);
        using (protector)
        {
            await using var store = new PostgresMeshStore(new PostgresStoreOptions { ConnectionString = connectionString }, NullLoggerFactory.Instance, protector);
            await store.InitializeAsync(cancellationToken);
            var report = new ReencryptReport(output.Out, TimeProvider.System);
            var rewritten = await store.ReencryptAsync(report, cancellationToken);
            await output.Out.WriteLineAsync($"Re-encrypted {rewritten} tasks under key {protector.Keyring.CurrentKeyId} in PostgreSQL store {store.Description}.");
            if (report.Last.Skipped > 0)
            {
                await output.Out.WriteLineAsync($"{report.Last.Skipped} tasks changed while being re-encrypted were left as their node wrote them: run the command again.");
            }
        }
    }

    internal static IConfigurationRoot Configuration(ParseResult result) => new ConfigurationBuilder()
        .SetBasePath(Directory.GetCurrentDirectory())
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine([.. result.UnmatchedTokens])
        .Build();

    private sealed class KeyAction(Func<ParseResult, CommandOutput, CancellationToken, Task> run) : AsynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken)
        {
            var output = new CommandOutput(parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
            if (await Usage.ReportParseErrorsAsync(parseResult, output))
            {
                return ExitCodes.BadUsage;
            }

            try
            {
                await run(parseResult, output, cancellationToken);
                return ExitCodes.Ok;
            }
            catch (InvalidOperationException exception)
            {
                await output.WriteErrorAsync($"error: {exception.Message}");
                return ExitCodes.Failed;
            }
        }
    }
}
