using AgentMesh.Audit;
using AgentMesh.PostgreSql.Audit;
using AgentMesh.TestKit.Services;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AgentMesh.PostgreSql.Tests;

/// <summary>The cluster's audit store: several nodes appending at once, the node role's limits, erasure.</summary>
public sealed class PostgresAuditStoreTests(PostgresServer server)
{
    private static readonly byte[] Seed = [.. Enumerable.Range(40, 32).Select(static i => (byte)i)];
    private static readonly byte[] MasterKey = [.. Enumerable.Range(90, 32).Select(static i => (byte)i)];
    private readonly CheckpointSigner _signer = new(Seed);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("DROP TABLE agentmesh_audit.entries")]
    [InlineData("DROP TABLE agentmesh_audit.checkpoints")]
    [InlineData("TRUNCATE agentmesh_audit.entries")]
    [InlineData("TRUNCATE agentmesh_audit.checkpoints")]
    [InlineData("DELETE FROM agentmesh_audit.entries")]
    [InlineData("UPDATE agentmesh_audit.entries SET tenant = 'other'")]
    [InlineData("UPDATE agentmesh_audit.checkpoints SET tree_size = 99")]
    [InlineData("ALTER TABLE agentmesh_audit.entries DISABLE TRIGGER ALL")]
    [InlineData("DROP TRIGGER entries_append_only ON agentmesh_audit.entries")]
    [InlineData("DROP SCHEMA agentmesh_audit CASCADE")]
    [InlineData("ALTER TABLE agentmesh_audit.entries RENAME TO old_entries")]
    [InlineData("SET session_replication_role = replica")]
    public async Task NodeRole_AfterInstall_CannotDropTruncateAlterOrRewriteTheAuditTables(string sql)
    {
        var connectionString = await server.CreateDatabaseAsync();
        await PostgresAuditSchema.InstallAsync(PostgresServer.AsSuperuser(connectionString), PostgresServer.Role, Cancellation);
        await WriteAsync(connectionString, "node-a", 3);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand(sql, connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Cancellation));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Equal(PostgresServer.Role, await ScalarAsync<string>(connectionString, "SELECT current_user::text"));
        await using var store = await OpenAsync(connectionString, null);
        Assert.True((await AuditVerifier.VerifyAsync(store, "node-a", 1, null, _signer.PublicKey, Cancellation)).Intact);
        Assert.Equal(PostgresAuditSchema.OwnerRole, await ScalarAsync<string>(connectionString, "SELECT tableowner::text FROM pg_tables WHERE schemaname = 'agentmesh_audit' AND tablename = 'entries'"));
    }

    [Fact]
    public async Task OpenReadOnly_VerifiesTheChainsAndRefusesToWrite()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await WriteAsync(connectionString, "node-a", 3);

        await using var store = PostgresAuditStore.OpenReadOnly(connectionString);
        await store.InitializeAsync(Cancellation);

        Assert.True((await AuditVerifier.VerifyAsync(store, "node-a", 1, null, _signer.PublicKey, Cancellation)).Intact);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveCursorAsync("siem", "node-a", 3, Cancellation));
        Assert.Equal(0L, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM agentmesh_audit.forward_cursors"));
    }

    [Fact]
    public async Task OpenReadOnly_DatabaseWithoutTheSchema_FailsAndCreatesNothing()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var store = PostgresAuditStore.OpenReadOnly(connectionString);

        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(Cancellation));

        Assert.Contains("no schema agentmesh_audit", missing.Message, StringComparison.Ordinal);
        Assert.False(await ScalarAsync<bool>(connectionString, "SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'agentmesh_audit')"));
    }

    [Fact]
    public async Task NodeRole_WithoutInstall_CreatesTheSchemaItselfAndAppends()
    {
        var connectionString = await server.CreateDatabaseAsync();

        await WriteAsync(connectionString, "node-a", 5);
        await using var store = await OpenAsync(connectionString, null);

        Assert.True((await AuditVerifier.VerifyAsync(store, "node-a", 1, null, _signer.PublicKey, Cancellation)).Intact);
        Assert.Equal(PostgresServer.Role, await ScalarAsync<string>(connectionString, "SELECT tableowner::text FROM pg_tables WHERE schemaname = 'agentmesh_audit' AND tablename = 'entries'"));
        await PostgresAuditSchema.InstallAsync(PostgresServer.AsSuperuser(connectionString), PostgresServer.Role, Cancellation);
        Assert.Equal(PostgresAuditSchema.OwnerRole, await ScalarAsync<string>(connectionString, "SELECT tableowner::text FROM pg_tables WHERE schemaname = 'agentmesh_audit' AND tablename = 'entries'"));
        await using var reopened = await OpenAsync(connectionString, null);
        Assert.Equal(5, (await AuditVerifier.VerifyAsync(reopened, "node-a", 1, null, _signer.PublicKey, Cancellation)).EntriesChecked);
    }

    [Fact]
    public async Task Append_ThreeNodesAtOnce_EachChainVerifiesAndQueriesKeepGlobalOrder()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await PostgresAuditSchema.InstallAsync(PostgresServer.AsSuperuser(connectionString), PostgresServer.Role, Cancellation);

        await Task.WhenAll(WriteAsync(connectionString, "node-a", 120), WriteAsync(connectionString, "node-b", 120), WriteAsync(connectionString, "node-c", 120));
        await using var store = await OpenAsync(connectionString, null);

        Assert.Equal(["node-a", "node-b", "node-c"], await store.ReadChainsAsync(Cancellation));
        foreach (var chain in new[] { "node-a", "node-b", "node-c" })
        {
            var result = await AuditVerifier.VerifyAsync(store, chain, 1, null, _signer.PublicKey, Cancellation);
            Assert.True(result.Intact, result.Detail);
            Assert.Equal(120, result.EntriesChecked);
        }

        var all = new List<AuditEntry>();
        AuditCursor? after = null;
        do
        {
            var page = await store.QueryAsync(new AuditQuery { Limit = 50, After = after }, Cancellation);
            all.AddRange(page.Entries);
            after = AuditCursor.TryParse(page.NextCursor, out var next) ? next : null;
        }
        while (after is not null);

        Assert.Equal(360, all.Count);
        Assert.Equal(all.Select(AuditCursor.Of).Order(), all.Select(AuditCursor.Of));
        Assert.Equal(120, (await store.QueryAsync(new AuditQuery { Action = "task.create", Limit = 1000 }, Cancellation)).Entries.Count(static e => e.Chain == "node-b") * 2);
    }

    [Fact]
    public async Task Initialize_ChainClaimedByAnotherNode_RefusesToStart()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var first = await OpenAsync(connectionString, "node-a");
        await using var second = new PostgresAuditStore(connectionString, "node-a", NullLogger<PostgresAuditStore>.Instance);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.InitializeAsync(Cancellation));

        Assert.Contains("AgentMesh:Audit:Chain", refused.Message, StringComparison.Ordinal);
        await using var other = await OpenAsync(connectionString, "node-b");
    }

    [Fact]
    public async Task Erase_Subject_ErasedInQueriesOthersReadableChainsVerifyAndRowsHoldNoPlaintext()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await PostgresAuditSchema.InstallAsync(PostgresServer.AsSuperuser(connectionString), PostgresServer.Role, Cancellation);
        await WriteAsync(connectionString, "node-a", 6, sealing: true);
        await using var store = await OpenAsync(connectionString, null);
        var subjects = new AuditSubjects(MasterKey, store);
        var opened = new OpeningAuditStore(subjects);

        var (_, erased) = await subjects.EraseAsync("key-1", Cancellation);
        var mine = await opened.QueryAsync(new AuditQuery { ActorId = "key-1" }, Cancellation);
        var others = await opened.QueryAsync(new AuditQuery { ActorId = "key-0" }, Cancellation);
        var result = await AuditVerifier.VerifyAsync(store, "node-a", 1, null, _signer.PublicKey, Cancellation);
        var plaintextRows = await ScalarAsync<long>(
            PostgresServer.AsSuperuser(connectionString),
            "SELECT count(*) FROM agentmesh_audit.entries WHERE actor_id LIKE 'key-%' OR actor_ip = '127.0.0.1' OR details LIKE '%example.com%'");

        Assert.True(erased);
        Assert.Equal([2L, 4L, 6L], mine.Entries.Select(static e => e.Sequence));
        Assert.All(mine.Entries, static e => Assert.Equal(AuditSubjects.Erased, e.View.Actor.Id));
        Assert.All(mine.Entries, static e => Assert.Equal(AuditSubjects.Erased, e.View.Details["query.email"]));
        Assert.All(others.Entries, static e => Assert.Equal("key-0", e.View.Actor.Id));
        Assert.All(others.Entries, static e => Assert.EndsWith("@example.com", e.View.Details["query.email"], StringComparison.Ordinal));
        Assert.True(result.Intact, result.Detail);
        Assert.Equal(0, plaintextRows);
        Assert.Equal(1, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM agentmesh_audit.subject_keys WHERE subject <> 'master-key-check'"));
    }

    private static async Task<PostgresAuditStore> OpenAsync(string connectionString, string? chain)
    {
        var store = new PostgresAuditStore(connectionString, chain, NullLogger<PostgresAuditStore>.Instance);
        await store.InitializeAsync(Cancellation);
        return store;
    }

    private async Task WriteAsync(string connectionString, string chain, int count, bool sealing = false)
    {
        await using var store = new PostgresAuditStore(connectionString, chain, NullLogger<PostgresAuditStore>.Instance);
        await using var appender = new AuditAppender(
            store, _signer, new AuditOptions { Chain = chain, CheckpointEvery = 25, BatchSize = 16 }, TimeProvider.System, NullLogger<AuditAppender>.Instance,
            subjects: sealing ? new AuditSubjects(MasterKey, store) : null);
        await appender.StartAsync(Cancellation);
        for (var i = 0; i < count; i++)
        {
            await appender.AppendAsync(Event(i), Cancellation);
        }

        await appender.StopAsync(Cancellation);
    }

    private static AuditEvent Event(int i) => new(
        DateTimeOffset.UtcNow,
        "acme",
        new AuditActor("api_key", $"key-{i % 2}", "127.0.0.1", "tests/1.0"),
        i % 2 == 0 ? "task.create" : "task.read",
        new AuditResource("task", $"task-{i}"),
        AuditOutcome.Success,
        null,
        $"req-{i}",
        null,
        DataClassification.Confidential,
        new Dictionary<string, string> { ["method"] = "GET", ["query.email"] = $"person{i}@example.com" });

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Cancellation))!;
    }
}
