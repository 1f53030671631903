using AgentMesh.Audit;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Output;
using AgentMesh.Cli.Serve;
using AgentMesh.PostgreSql.Audit;
using AgentMesh.Server.Hosting;
using AgentMesh.Sqlite.Audit;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace AgentMesh.Cli.Audit;

internal static partial class AuditCommands
{
    private const string NoClusterKey =
        "No public key: pass --public-key <base64>, or name the cluster's checkpoint signing key with AgentMesh:Audit:SigningKeyFile or AgentMesh:Audit:SigningKey.";

    /// <summary>
    /// <c>verify --offline</c>: the audit log straight from storage, with no node and without changing anything: the data
    /// folder's <c>audit.db</c>, or with <c>--store postgres</c> the cluster's audit schema, which a role that may only
    /// read it can verify. Storage that cannot be read ends with <see cref="ExitCodes.Failed"/> and the reason.
    /// </summary>
    private static async Task<int> VerifyOfflineAsync(
        NodeInvocation run, StoreArguments stores, string dataPath, byte[]? key, (string? Chain, long From, long? To) range, CancellationToken cancellationToken)
    {
        using var problem = new StringWriter();
        var kind = stores.Kind(run.Result, problem) ?? throw new UsageException(problem.ToString().Trim());
        var settings = NodeSettings.Read(run.Result);
        string? postgres = null;
        if (kind == StoreKind.Postgres)
        {
            postgres = stores.PostgresConnectionString(run.Result, settings)
                ?? throw new UsageException("--store postgres needs --postgres <connection string> (or ConnectionStrings__Postgres).");
        }
        else if (run.Get(stores.Postgres) is not null)
        {
            throw new UsageException("--postgres reads the cluster's audit log: add --store postgres.");
        }

        try
        {
            key ??= ConfiguredPublicKey(settings, postgres is null ? dataPath : null);
            await using IAuditStore store = postgres is null
                ? SqliteAuditStore.OpenReadOnly(Path.Combine(dataPath, "audit.db"))
                : PostgresAuditStore.OpenReadOnly(postgres);
            try
            {
                await store.InitializeAsync(cancellationToken);
            }
            catch (FileNotFoundException exception)
            {
                throw new UsageException(exception.Message);
            }

            IReadOnlyList<string> chains = range.Chain is { } one ? [one] : await store.ReadChainsAsync(cancellationToken);
            var results = new List<AuditVerification>();
            foreach (var name in chains)
            {
                results.Add(await AuditVerifier.VerifyAsync(store, name, range.From, range.To, key, cancellationToken));
            }

            return await ReportAsync(run, results, CheckpointSigner.KeyIdOf(key));
        }
        catch (InvalidOperationException exception)
        {
            await run.Output.WriteErrorAsync($"error: {exception.Message}");
            return ExitCodes.Failed;
        }
        catch (NpgsqlException exception)
        {
            await run.Output.WriteErrorAsync($"error: the cluster's audit log cannot be read: {exception.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>
    /// The public key of the checkpoint signing key the node's settings name, read without creating a key:
    /// <c>AgentMesh:Audit:SigningKey</c>, else <c>AgentMesh:Audit:SigningKeyFile</c> (its <c>.pub</c>, or the key derived
    /// from the file), else, for a data folder (<paramref name="dataPath"/>), its <c>audit-signing.key</c>. A cluster has
    /// no default: its nodes name the key they share.
    /// </summary>
    private static byte[] ConfiguredPublicKey(IConfiguration settings, string? dataPath)
    {
        var audit = new AuditOptions();
        settings.GetSection(AuditOptions.Section).Bind(audit);
        if (!string.IsNullOrEmpty(audit.SigningKey))
        {
            return new CheckpointSigner(SigningKeyFile.Parse(audit.SigningKey, $"{AuditOptions.Section}:SigningKey")).PublicKey;
        }

        var file = !string.IsNullOrEmpty(audit.SigningKeyFile) ? Path.GetFullPath(audit.SigningKeyFile)
            : dataPath is not null ? Path.Combine(dataPath, SigningKeyFile.DefaultName)
            : throw new UsageException(NoClusterKey);
        byte[]? key;
        try
        {
            key = SigningKeyFile.ReadPublicKey(file);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{file}.pub must hold the base64 of an Ed25519 public key.");
        }

        return key ?? throw new UsageException($"No public key: pass --public-key or keep {Path.GetFileName(file)}.pub (or the key file itself) in {Path.GetDirectoryName(file)}.");
    }
}
