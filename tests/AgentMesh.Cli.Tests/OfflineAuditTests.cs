using AgentMesh.Audit;
using AgentMesh.Protection;
using AgentMesh.Server.Security;
using AgentMesh.Sqlite;
using AgentMesh.Sqlite.Audit;
using AgentMesh.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Cli.Tests;

public sealed class OfflineAuditTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "agentmesh-cli-tests", Guid.NewGuid().ToString("N"));

    private string AuditDatabase => Path.Combine(_data, "audit.db");

    [Fact]
    public async Task KeysRotate_RecordsTheNewKeyOnTheCliChain_AndTheChainVerifies()
    {
        var result = await Cli.RunAsync("keys", "rotate", "--data", _data);

        Assert.Equal(0, result.ExitCode);
        var entry = Assert.Single(await ReadCliChainAsync());
        var newKey = PayloadKeyFile.Read(Path.Combine(_data, PayloadKeyFile.DefaultName), "test").CurrentKeyId;
        Assert.Equal("encryption_key.rotate", entry.Action);
        Assert.Equal(new AuditResource("encryption_key", newKey), entry.Resource);
        Assert.Equal(AuditOutcome.Success, entry.Outcome);
        Assert.Equal("cli", entry.Actor.Type);
        Assert.Equal(Environment.UserName, entry.Actor.Id);
        Assert.StartsWith("agentmesh-cli/", entry.Actor.UserAgent, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(_data, PayloadKeyFile.DefaultName), entry.Details["key_file"]);
        await AssertVerifiesAsync(entries: 1, checkpoints: 1);
    }

    [Fact]
    public async Task KeysRotate_NodeRunningOnTheFolder_TheNodeVerifiesReadsAndReportsTheEntry()
    {
        await using var node = new CliNode();
        await node.InitializeAsync();
        await Cli.RunAsync(node.Connect("tenant", "list"));

        var rotated = await Cli.RunAsync("keys", "rotate", "--data", node.DataPath);
        var verified = await Cli.RunAsync(node.Connect("audit", "verify", "--json"));
        var query = await Cli.RunAsync(node.Connect("audit", "query", "--action", "encryption_key.rotate", "--json"));
        var report = await Cli.RunAsync(node.Connect("audit", "report", "--json"));

        Assert.Equal(0, rotated.ExitCode);
        Assert.True(verified.Json().GetProperty("intact").GetBoolean(), verified.Out);
        var chains = verified.Json().GetProperty("chains").EnumerateArray().Select(static c => c.GetProperty("chain").GetString()).ToList();
        Assert.Contains(OfflineAuditLog.CliChain, chains);
        Assert.True(chains.Count >= 2, verified.Out);
        var entry = Assert.Single(query.Json().GetProperty("items").EnumerateArray());
        Assert.Equal(OfflineAuditLog.CliChain, entry.GetProperty("chain").GetString());
        Assert.Equal(Environment.UserName, entry.GetProperty("actor").GetProperty("id").GetString());
        Assert.Contains(report.Json().GetProperty("adminChanges").EnumerateArray(), static e => e.GetProperty("action").GetString() == "encryption_key.rotate");
    }

    [Fact]
    public async Task KeysReencrypt_RecordsTheKeyAndTheTasksRewritten()
    {
        await WriteTaskAsync();
        await Cli.RunAsync("keys", "rotate", "--data", _data);

        var result = await Cli.RunAsync("keys", "reencrypt", "--data", _data);

        Assert.Equal(0, result.ExitCode);
        var entries = await ReadCliChainAsync();
        Assert.Equal(["encryption_key.rotate", "encryption_key.reencrypt"], entries.Select(static e => e.Action));
        var reencrypt = entries[1];
        Assert.Equal(AuditOutcome.Success, reencrypt.Outcome);
        Assert.Equal(entries[0].Resource, reencrypt.Resource);
        Assert.Equal("1", reencrypt.Details["tasks_rewritten"]);
        Assert.Equal("0", reencrypt.Details["tasks_left"]);
        Assert.Equal(Path.Combine(_data, "agentmesh.db"), reencrypt.Details["store"]);
        await AssertVerifiesAsync(entries: 2, checkpoints: 2);
    }

    [Fact]
    public async Task KeysReencrypt_KeyOfStoredTasksGone_RecordsFailedWithTheReason()
    {
        await WriteTaskAsync();
        var keyFile = Path.Combine(_data, PayloadKeyFile.DefaultName);
        File.Delete(keyFile);
        PayloadKeyFile.AddKey(keyFile);

        var result = await Cli.RunAsync("keys", "reencrypt", "--data", _data);

        Assert.Equal(4, result.ExitCode);
        var entry = Assert.Single(await ReadCliChainAsync());
        Assert.Equal("encryption_key.reencrypt", entry.Action);
        Assert.Equal(AuditOutcome.Failed, entry.Outcome);
        Assert.Contains("AgentMesh:Encryption:KeyFile", entry.Reason, StringComparison.Ordinal);
        Assert.Equal("InvalidOperationException", entry.Details["error"]);
        Assert.Equal("0", entry.Details["tasks_rewritten"]);
        await AssertVerifiesAsync(entries: 1, checkpoints: 1);
    }

    [Fact]
    public async Task Migrate_RecordsTheSchemaVersionBeforeAndAfter()
    {
        var first = await Cli.RunAsync("migrate", "--data", _data);
        var again = await Cli.RunAsync("migrate", "--data", _data);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, again.ExitCode);
        var entries = await ReadCliChainAsync();
        Assert.All(entries, static e => Assert.Equal("store.migrate", e.Action));
        Assert.All(entries, static e => Assert.Equal(AuditOutcome.Success, e.Outcome));
        Assert.Equal(new AuditResource("store", Path.Combine(_data, "agentmesh.db")), entries[0].Resource);
        var version = first.Out[(first.Out.LastIndexOf(' ') + 1)..].Trim();
        Assert.Equal(("0", version), (entries[0].Details["schema_before"], entries[0].Details["schema_after"]));
        Assert.Equal((version, version), (entries[1].Details["schema_before"], entries[1].Details["schema_after"]));
        await AssertVerifiesAsync(entries: 2, checkpoints: 2);
    }

    [Fact]
    public async Task Migrate_AuditDisabled_RecordsNothing()
    {
        var result = await Cli.RunAsync("migrate", "--data", _data, "--AgentMesh:Audit:Enabled", "false");

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(_data, "agentmesh.db")));
        Assert.False(File.Exists(AuditDatabase));
    }

    [Fact]
    public async Task KeysRotate_AuditLogUnwritable_KeepsTheKeyButExitsFive()
    {
        Directory.CreateDirectory(_data);

        var result = await Cli.RunAsync("keys", "rotate", "--data", _data, "--AgentMesh:Audit:Path", _data);

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("Added key", result.Out, StringComparison.Ordinal);
        Assert.Contains("encryption_key.rotate succeeded, but its audit entry could not be written", result.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_data, PayloadKeyFile.DefaultName)));
    }

    [Fact]
    public async Task Migrate_ChainTooLongForTheCliSuffix_ChangesNothing()
    {
        var result = await Cli.RunAsync("migrate", "--data", _data, "--AgentMesh:Audit:Chain", new string('n', 126));

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("AgentMesh:Audit:Chain", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_data, "agentmesh.db")));
    }

    private async Task<IReadOnlyList<AuditEvent>> ReadCliChainAsync()
    {
        await using var store = SqliteAuditStore.OpenReadOnly(AuditDatabase);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return await OfflineAuditLog.ReadAsync(store, OfflineAuditLog.CliChain, Path.Combine(_data, SubjectKeyFile.DefaultName));
    }

    private async Task AssertVerifiesAsync(int entries, int checkpoints)
    {
        var result = await Cli.RunAsync("audit", "verify", "--offline", "--data", _data);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"chain {OfflineAuditLog.CliChain}: intact — entries 1…{entries}, {entries} checked, {checkpoints} checkpoints", result.Out, StringComparison.Ordinal);
    }

    private async Task WriteTaskAsync()
    {
        await using var store = new SqliteMeshStore(
            new SqliteStoreOptions { Path = Path.Combine(_data, "agentmesh.db") }, NullLogger<SqliteMeshStore>.Instance, new EncryptionOptions().CreateProtector(_data));
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
