using AgentMesh.Audit;
using AgentMesh.PostgreSql.Audit;
using AgentMesh.TestKit.Services;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AgentMesh.PostgreSql.Tests;

/// <summary>Tampering with the cluster's audit tables as a superuser would (triggers switched off first), and what verify says.</summary>
public sealed class PostgresAuditTamperTests(PostgresServer server) : IAsyncLifetime
{
    private const string Chain = "node-a";
    private static readonly byte[] Seed = [.. Enumerable.Range(7, 32).Select(static i => (byte)i)];
    private readonly CheckpointSigner _signer = new(Seed);
    private PostgresAuditStore _store = null!;
    private string _superuser = "";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var connectionString = await server.CreateDatabaseAsync();
        _superuser = PostgresServer.AsSuperuser(connectionString);
        await PostgresAuditSchema.InstallAsync(_superuser, PostgresServer.Role, Cancellation);
        _store = new PostgresAuditStore(connectionString, Chain, NullLogger<PostgresAuditStore>.Instance);
        await using var appender = new AuditAppender(_store, _signer, new AuditOptions { Chain = Chain, CheckpointEvery = 10 }, TimeProvider.System, NullLogger<AuditAppender>.Instance);
        await appender.StartAsync(Cancellation);
        for (var i = 1; i <= 25; i++)
        {
            await appender.AppendAsync(Event(i), Cancellation);
        }

        await appender.StopAsync(Cancellation);
    }

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Verify_Untouched_IsIntactWithEveryCheckpoint()
    {
        var result = await VerifyAsync();

        Assert.True(result.Intact, result.Detail);
        Assert.Equal(25, result.EntriesChecked);
        Assert.Equal(3, result.CheckpointsChecked);
        Assert.Equal([10L, 20L, 25L], (await _store.ReadCheckpointsAsync(Chain, Cancellation)).Select(static c => c.TreeSize));
    }

    [Theory]
    [InlineData("UPDATE agentmesh_audit.entries SET reason = 'x' WHERE seq = 3")]
    [InlineData("DELETE FROM agentmesh_audit.entries WHERE seq = 3")]
    [InlineData("TRUNCATE agentmesh_audit.entries")]
    [InlineData("UPDATE agentmesh_audit.checkpoints SET tree_size = 11 WHERE tree_size = 10")]
    [InlineData("DELETE FROM agentmesh_audit.checkpoints")]
    [InlineData("TRUNCATE agentmesh_audit.checkpoints")]
    public async Task Database_UpdateDeleteOrTruncateAsSuperuser_IsRefusedByTriggers(string sql)
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(sql, disableTriggers: false));

        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        Assert.Equal(25, (await VerifyAsync()).EntriesChecked);
    }

    [Fact]
    public async Task Verify_OneFieldChanged_NamesThatEntryAsContentChanged()
    {
        await TamperAsync("UPDATE agentmesh_audit.entries SET tenant = 'other' WHERE seq = 7");

        var result = await VerifyAsync();

        Assert.Equal(7, result.BrokenAt);
        Assert.Equal(AuditBreak.ContentChanged, result.Cause);
    }

    [Fact]
    public async Task Verify_OutcomeRespelled_NamesThatEntryAsContentChanged()
    {
        await TamperAsync("UPDATE agentmesh_audit.entries SET outcome = 'succeeded' WHERE seq = 4");

        var result = await VerifyAsync();

        Assert.Equal(4, result.BrokenAt);
        Assert.Equal(AuditBreak.ContentChanged, result.Cause);
    }

    [Fact]
    public async Task Verify_EntryRewrittenWithItsHashRecomputed_NamesThatEntryAsContentChanged()
    {
        var original = await _store.ReadAsync(Chain, 8, 8, Cancellation).SingleAsync(Cancellation);
        var hash = new ChainHasher().Hash(original.PreviousHash, Chain, 8, original.Event with { Reason = "nothing to see" });
        await TamperAsync("UPDATE agentmesh_audit.entries SET reason = 'nothing to see', hash = $1 WHERE seq = 8", hash);

        var result = await VerifyAsync();

        Assert.Equal(8, result.BrokenAt);
        Assert.Equal(AuditBreak.ContentChanged, result.Cause);
    }

    [Fact]
    public async Task Verify_EntryDeleted_NamesItAsMissing()
    {
        await TamperAsync("DELETE FROM agentmesh_audit.entries WHERE seq = 12");

        var result = await VerifyAsync();

        Assert.Equal(12, result.BrokenAt);
        Assert.Equal(AuditBreak.EntryMissing, result.Cause);
    }

    [Fact]
    public async Task Verify_TwoEntriesSwapped_NamesTheFirstAsOrderChanged()
    {
        await TamperAsync("UPDATE agentmesh_audit.entries SET seq = -5 WHERE seq = 5; UPDATE agentmesh_audit.entries SET seq = 5 WHERE seq = 6; UPDATE agentmesh_audit.entries SET seq = 6 WHERE seq = -5");

        var result = await VerifyAsync();

        Assert.Equal(5, result.BrokenAt);
        Assert.Equal(AuditBreak.OrderChanged, result.Cause);
    }

    [Fact]
    public async Task Verify_TailTruncatedBelowACheckpoint_NamesTheFirstMissingEntry()
    {
        await TamperAsync("DELETE FROM agentmesh_audit.entries WHERE seq > 15");

        var result = await VerifyAsync();

        Assert.Equal(16, result.BrokenAt);
        Assert.Equal(AuditBreak.EntryMissing, result.Cause);
    }

    [Fact]
    public async Task Verify_TableTruncated_NamesTheFirstEntryAsMissing()
    {
        await TamperAsync("TRUNCATE agentmesh_audit.entries");

        var result = await VerifyAsync();

        Assert.Equal(1, result.BrokenAt);
        Assert.Equal(AuditBreak.EntryMissing, result.Cause);
    }

    [Fact]
    public async Task Verify_CheckpointRootForged_NamesTheCheckpointSignature()
    {
        await TamperAsync("UPDATE agentmesh_audit.checkpoints SET root_hash = gen_random_uuid()::text::bytea WHERE tree_size = 20");

        var result = await VerifyAsync();

        Assert.Equal(20, result.BrokenAt);
        Assert.Equal(AuditBreak.CheckpointSignatureInvalid, result.Cause);
    }

    [Fact]
    public async Task Verify_CheckpointSignatureForged_NamesTheCheckpointSignature()
    {
        var checkpoint = (await _store.ReadCheckpointsAsync(Chain, Cancellation))[0];
        var other = new CheckpointSigner(new byte[32]).Checkpoint(Chain, checkpoint.TreeSize, checkpoint.Time, checkpoint.RootHash, checkpoint.HeadHash);
        await TamperAsync("UPDATE agentmesh_audit.checkpoints SET signature = $1 WHERE tree_size = 10", other.Signature);

        var result = await VerifyAsync();

        Assert.Equal(10, result.BrokenAt);
        Assert.Equal(AuditBreak.CheckpointSignatureInvalid, result.Cause);
    }

    [Fact]
    public async Task Verify_TailRewrittenAndRehashed_NamesTheSignedCheckpointThatNoLongerMatches()
    {
        var entries = await _store.ReadAsync(Chain, 18, 25, Cancellation).ToListAsync(Cancellation);
        var hasher = new ChainHasher();
        var previous = entries[0].PreviousHash;
        foreach (var entry in entries)
        {
            var hash = hasher.Hash(previous, Chain, entry.Sequence, entry.Event with { Reason = "rewritten" });
            await TamperAsync("UPDATE agentmesh_audit.entries SET reason = 'rewritten', prev_hash = $1, hash = $2 WHERE seq = $3", previous, hash, entry.Sequence);
            previous = hash;
        }

        var result = await VerifyAsync();

        Assert.Equal(20, result.BrokenAt);
        Assert.Equal(AuditBreak.CheckpointMismatch, result.Cause);
    }

    private Task<AuditVerification> VerifyAsync() => AuditVerifier.VerifyAsync(_store, Chain, 1, null, _signer.PublicKey, Cancellation);

    private static AuditEvent Event(int i) => new(
        DateTimeOffset.UnixEpoch.AddSeconds(1_800_000_000 + i),
        "acme",
        new AuditActor("api_key", "key-1", "127.0.0.1", null),
        i % 2 == 0 ? "task.create" : "task.read",
        new AuditResource("task", $"task-{i}"),
        i % 5 == 0 ? AuditOutcome.Denied : AuditOutcome.Success,
        null,
        $"req-{i}",
        null,
        DataClassification.Confidential,
        new Dictionary<string, string> { ["method"] = i % 2 == 0 ? "POST" : "GET" });

    private Task TamperAsync(string sql, params object[] parameters) => ExecuteAsync(sql, disableTriggers: true, parameters);

    // A superuser can switch triggers off for a session (session_replication_role), as an attacker with the server would.
    private async Task ExecuteAsync(string sql, bool disableTriggers, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(_superuser);
        await connection.OpenAsync(Cancellation);
        if (disableTriggers)
        {
            await using var replica = new NpgsqlCommand("SET session_replication_role = replica", connection);
            await replica.ExecuteNonQueryAsync(Cancellation);
        }

        foreach (var statement in sql.Split("; "))
        {
            await using var command = new NpgsqlCommand(statement, connection);
            foreach (var value in statement.Contains('$', StringComparison.Ordinal) ? parameters : [])
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await command.ExecuteNonQueryAsync(Cancellation);
        }
    }
}
