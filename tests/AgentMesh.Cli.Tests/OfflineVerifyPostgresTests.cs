using AgentMesh.Audit;
using AgentMesh.PostgreSql.Audit;
using AgentMesh.TestKit.Services;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AgentMesh.Cli.Tests;

/// <summary><c>audit verify --offline --store postgres</c> against a cluster's audit schema that nodes wrote, with no node running.</summary>
public sealed class OfflineVerifyPostgresTests(PostgresServer server) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private static readonly byte[] Seed = [.. Enumerable.Range(11, 32).Select(static i => (byte)i)];
    private readonly CheckpointSigner _signer = new(Seed);
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "agentmesh-cli-tests", Guid.NewGuid().ToString("N"));
    private string _superuser = "";
    private string _auditor = "";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string PublicKey => Convert.ToBase64String(_signer.PublicKey);

    public async ValueTask InitializeAsync()
    {
        var connectionString = await server.CreateDatabaseAsync();
        _superuser = PostgresServer.AsSuperuser(connectionString);
        await PostgresAuditSchema.InstallAsync(_superuser, PostgresServer.Role, Cancellation);
        await WriteChainAsync(connectionString, "node-a", 25);
        await WriteChainAsync(connectionString, "node-b", 3);

        var role = "auditor_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(
            _superuser,
            $"CREATE ROLE {role} LOGIN",
            $"GRANT USAGE ON SCHEMA agentmesh_audit TO {role}",
            $"GRANT SELECT ON agentmesh_audit.entries, agentmesh_audit.checkpoints TO {role}");
        _auditor = new NpgsqlConnectionStringBuilder(connectionString) { Username = role }.ConnectionString;
    }

    [Fact]
    public async Task VerifyOffline_PostgresAsARoleThatOnlyReads_NamesEveryChainIntact()
    {
        var result = await Cli.RunAsync("audit", "verify", "--offline", "--store", "postgres", "--postgres", _auditor, "--public-key", PublicKey);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"chain node-a: intact — entries 1…25, 25 checked, 3 checkpoints signed by key {_signer.KeyId}.", result.Out, StringComparison.Ordinal);
        Assert.Contains($"chain node-b: intact — entries 1…3, 3 checked, 1 checkpoints signed by key {_signer.KeyId}.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyOffline_PostgresWithTheClustersSigningKeyFile_DerivesThePublicKeyAndWritesNothing()
    {
        Directory.CreateDirectory(_keys);
        var keyFile = Path.Combine(_keys, "cluster-signing.key");
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(Seed), Cancellation);

        var result = await Cli.RunAsync(
            "audit", "verify", "--offline", "--store", "postgres", "--postgres", _auditor, "--chain", "node-a", "--from", "11", "--to", "20", "--AgentMesh:Audit:SigningKeyFile", keyFile);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"chain node-a: intact — entries 11…20, 10 checked", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("node-b", result.Out, StringComparison.Ordinal);
        Assert.Equal([keyFile], Directory.GetFiles(_keys));
    }

    [Fact]
    public async Task VerifyOffline_PostgresWithTheClustersSigningKeySetting_VerifiesWithIt()
    {
        var result = await Cli.RunAsync(
            "audit", "verify", "--offline", "--store", "postgres", "--postgres", _auditor, "--json", "--AgentMesh:Audit:SigningKey", Convert.ToBase64String(Seed));

        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Json().GetProperty("intact").GetBoolean());
        Assert.Equal(_signer.KeyId, result.Json().GetProperty("keyId").GetString());
    }

    [Fact]
    public async Task VerifyOffline_PostgresRowChangedInTheDatabase_NamesTheSequenceAndCause()
    {
        await ExecuteAsync(_superuser, "SET session_replication_role = replica", "UPDATE agentmesh_audit.entries SET tenant = 'other' WHERE chain = 'node-a' AND seq = 7");

        var result = await Cli.RunAsync("audit", "verify", "--offline", "--store", "postgres", "--postgres", _auditor, "--public-key", PublicKey);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("chain node-a: BROKEN at sequence 7: content_changed", result.Out, StringComparison.Ordinal);
        Assert.Contains("chain node-b: intact", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyOffline_DatabaseWithoutTheAuditSchema_FailsSayingSoAndCreatesNothing()
    {
        var empty = await server.CreateDatabaseAsync();

        var result = await Cli.RunAsync("audit", "verify", "--offline", "--store", "postgres", "--postgres", empty, "--public-key", PublicKey);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("holds no audit log: it has no schema agentmesh_audit", result.Error, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(PostgresServer.AsSuperuser(empty));
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'agentmesh%'", connection);
        Assert.Equal(0L, await command.ExecuteScalarAsync(Cancellation));
    }

    [Fact]
    public async Task VerifyOffline_PostgresWithoutConnectionString_IsAUsageErrorNamingPostgres()
    {
        var result = await Cli.RunAsync("audit", "verify", "--offline", "--store", "postgres", "--public-key", PublicKey);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--postgres", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyOffline_PostgresWithoutAKey_IsAUsageErrorNamingPublicKey()
    {
        var result = await Cli.RunAsync("audit", "verify", "--offline", "--store", "postgres", "--postgres", _auditor);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--public-key", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_StoreWithoutOffline_IsAUsageError()
    {
        var result = await Cli.RunAsync("audit", "verify", "--store", "postgres", "--postgres", _auditor);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--offline", result.Error, StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_keys))
        {
            Directory.Delete(_keys, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    private async Task WriteChainAsync(string connectionString, string chain, int entries)
    {
        await using var store = new PostgresAuditStore(connectionString, chain, NullLogger<PostgresAuditStore>.Instance);
        await using var appender = new AuditAppender(store, _signer, new AuditOptions { Chain = chain, CheckpointEvery = 10 }, TimeProvider.System, NullLogger<AuditAppender>.Instance);
        await appender.StartAsync(Cancellation);
        for (var i = 1; i <= entries; i++)
        {
            await appender.AppendAsync(Event(i), Cancellation);
        }

        await appender.StopAsync(Cancellation);
    }

    private static async Task ExecuteAsync(string connectionString, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync(Cancellation);
        }
    }

    private static AuditEvent Event(int i) => new(
        DateTimeOffset.UnixEpoch.AddSeconds(1_800_000_000 + i),
        "acme",
        new AuditActor("api_key", "key-1", "127.0.0.1", null),
        "task.create",
        new AuditResource("task", $"task-{i}"),
        AuditOutcome.Success,
        null,
        $"req-{i}",
        null,
        DataClassification.Confidential,
        new Dictionary<string, string> { ["method"] = "POST" });
}
