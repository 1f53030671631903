using AgentMesh.Audit;
using AgentMesh.PostgreSql;
using AgentMesh.PostgreSql.Audit;
using AgentMesh.Protection;
using AgentMesh.Server.Security;
using AgentMesh.Storage;
using AgentMesh.TestKit.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Cli.Tests;

public sealed class OfflineAuditPostgresTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "agentmesh-cli-tests", Guid.NewGuid().ToString("N"));

    private string SigningKey => Path.Combine(_data, "cluster-signing.key");

    private string SubjectKey => Path.Combine(_data, "cluster-subjects.key");

    private string KeyFile => Path.Combine(_data, "cluster.keys");

    private string[] AuditKeys => ["--AgentMesh:Audit:SigningKeyFile", SigningKey, "--AgentMesh:Audit:SubjectKeyFile", SubjectKey];

    [Fact]
    public async Task MigrateRotateReencrypt_Postgres_RecordInTheClustersAuditLog_AndTheChainVerifies()
    {
        await using var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        var connectionString = await postgres.CreateDatabaseAsync();
        Directory.CreateDirectory(_data);
        PayloadKeyFile.AddKey(KeyFile);

        var migrated = await Cli.RunAsync(["migrate", "--store", "postgres", "--postgres", connectionString, .. AuditKeys]);
        await WriteTaskAsync(connectionString);
        var rotated = await Cli.RunAsync(["keys", "rotate", "--key-file", KeyFile, "--store", "postgres", "--postgres", connectionString, .. AuditKeys]);
        var reencrypted = await Cli.RunAsync(["keys", "reencrypt", "--key-file", KeyFile, "--store", "postgres", "--postgres", connectionString, .. AuditKeys]);

        Assert.Equal((0, 0, 0), (migrated.ExitCode, rotated.ExitCode, reencrypted.ExitCode));
        Assert.False(File.Exists(Path.Combine(_data, "audit.db")));
        await using var store = new PostgresAuditStore(connectionString, chain: null, NullLogger<PostgresAuditStore>.Instance);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        var entries = await OfflineAuditLog.ReadAsync(store, OfflineAuditLog.CliChain, SubjectKey);
        Assert.Equal(["store.migrate", "encryption_key.rotate", "encryption_key.reencrypt"], entries.Select(static e => e.Action));
        Assert.All(entries, static e => Assert.Equal(("cli", Environment.UserName, AuditOutcome.Success), (e.Actor.Type, e.Actor.Id, e.Outcome)));
        Assert.Equal("0", entries[0].Details["schema_before"]);
        Assert.StartsWith("postgres mesh_", entries[0].Resource.Id, StringComparison.Ordinal);
        var newKey = PayloadKeyFile.Read(KeyFile, "test").CurrentKeyId;
        Assert.Equal(new AuditResource("encryption_key", newKey), entries[1].Resource);
        Assert.Equal(new AuditResource("encryption_key", newKey), entries[2].Resource);
        Assert.Equal("1", entries[2].Details["tasks_rewritten"]);
        var verification = await AuditVerifier.VerifyAsync(store, OfflineAuditLog.CliChain, 1, null, SigningKeyFile.ReadPublicKey(SigningKey), TestContext.Current.CancellationToken);
        Assert.True(verification.Intact, verification.Detail);
        Assert.Equal((3, 3), (verification.EntriesChecked, verification.CheckpointsChecked));
    }

    [Fact]
    public async Task Migrate_PostgresWithoutTheClustersAuditKeys_FailsNamingTheSetting()
    {
        var result = await Cli.RunAsync("migrate", "--store", "postgres", "--postgres", "Host=127.0.0.1;Port=1;Username=nobody", "--data", _data);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("AgentMesh:Audit:SigningKeyFile", result.Error, StringComparison.Ordinal);
    }

    private async Task WriteTaskAsync(string connectionString)
    {
        var protector = new EncryptionOptions { KeyFile = KeyFile }.CreateProtector(_data, sharedStore: true);
        await using var store = new PostgresMeshStore(new PostgresStoreOptions { ConnectionString = connectionString }, NullLoggerFactory.Instance, protector);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        await store.CommitAsync([new ChangeSet().Put(EncryptionKeyCommandTests.NewTask())], TestContext.Current.CancellationToken);
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
