using AgentMesh.Audit;
using AgentMesh.Sqlite.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Sqlite.Tests;

/// <summary>Tampering with audit.db as someone holding the file would (dropping the triggers first), and what verify says.</summary>
public sealed class AuditTamperTests : IAsyncLifetime
{
    private const string Chain = "node-a";
    private static readonly byte[] Seed = Enumerable.Range(7, 32).Select(static i => (byte)i).ToArray();
    private readonly TemporaryDatabase _database = new("audit.db");
    private readonly CheckpointSigner _signer = new(Seed);
    private SqliteAuditStore _store = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = new SqliteAuditStore(_database.FilePath);
        await using var appender = new AuditAppender(_store, _signer, new AuditOptions { Chain = Chain, CheckpointEvery = 10 }, TimeProvider.System, NullLogger<AuditAppender>.Instance);
        await appender.StartAsync(Cancellation);
        for (var i = 1; i <= 25; i++)
        {
            await appender.AppendAsync(Event(i), Cancellation);
        }

        await appender.StopAsync(Cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _database.Dispose();
    }

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
    [InlineData("UPDATE audit_entries SET reason = 'x' WHERE seq = 3")]
    [InlineData("DELETE FROM audit_entries WHERE seq = 3")]
    [InlineData("UPDATE audit_checkpoints SET tree_size = 11 WHERE tree_size = 10")]
    [InlineData("DELETE FROM audit_checkpoints")]
    public void Database_UpdateOrDelete_IsRefusedByTriggers(string sql)
    {
        var refused = Assert.Throws<SqliteException>(() => Execute(sql));

        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_OneFieldChanged_NamesThatEntryAsContentChanged()
    {
        Tamper("UPDATE audit_entries SET tenant = 'other' WHERE seq = 7");

        var result = await VerifyAsync();

        Assert.Equal(7, result.BrokenAt);
        Assert.Equal(AuditBreak.ContentChanged, result.Cause);
    }

    [Fact]
    public async Task Verify_OutcomeRespelled_NamesThatEntryAsContentChanged()
    {
        Tamper("UPDATE audit_entries SET outcome = 'succeeded' WHERE seq = 4");

        var result = await VerifyAsync();

        Assert.Equal(4, result.BrokenAt);
        Assert.Equal(AuditBreak.ContentChanged, result.Cause);
    }

    [Fact]
    public async Task Verify_EntryRewrittenWithItsHashRecomputed_NamesThatEntryAsContentChanged()
    {
        var original = await _store.ReadAsync(Chain, 8, 8, Cancellation).SingleAsync(Cancellation);
        var forged = original.Event with { Reason = "nothing to see" };
        var hash = new ChainHasher().Hash(original.PreviousHash, Chain, 8, forged);
        Tamper("UPDATE audit_entries SET reason = 'nothing to see', hash = @hash WHERE seq = 8", ("@hash", hash));

        var result = await VerifyAsync();

        Assert.Equal(8, result.BrokenAt);
        Assert.Equal(AuditBreak.ContentChanged, result.Cause);
    }

    [Fact]
    public async Task Verify_EntryDeleted_NamesItAsMissing()
    {
        Tamper("DELETE FROM audit_entries WHERE seq = 12");

        var result = await VerifyAsync();

        Assert.Equal(12, result.BrokenAt);
        Assert.Equal(AuditBreak.EntryMissing, result.Cause);
    }

    [Fact]
    public async Task Verify_TwoEntriesSwapped_NamesTheFirstAsOrderChanged()
    {
        Tamper("UPDATE audit_entries SET seq = -5 WHERE seq = 5; UPDATE audit_entries SET seq = 5 WHERE seq = 6; UPDATE audit_entries SET seq = 6 WHERE seq = -5");

        var result = await VerifyAsync();

        Assert.Equal(5, result.BrokenAt);
        Assert.Equal(AuditBreak.OrderChanged, result.Cause);
    }

    [Fact]
    public async Task Verify_TailTruncatedBelowACheckpoint_NamesTheFirstMissingEntry()
    {
        Tamper("DELETE FROM audit_entries WHERE seq > 15");

        var result = await VerifyAsync();

        Assert.Equal(16, result.BrokenAt);
        Assert.Equal(AuditBreak.EntryMissing, result.Cause);
    }

    [Fact]
    public async Task Verify_CheckpointRootForged_NamesTheCheckpointSignature()
    {
        Tamper("UPDATE audit_checkpoints SET root_hash = randomblob(32) WHERE tree_size = 20");

        var result = await VerifyAsync();

        Assert.Equal(20, result.BrokenAt);
        Assert.Equal(AuditBreak.CheckpointSignatureInvalid, result.Cause);
    }

    [Fact]
    public async Task Verify_CheckpointResignedWithAnotherKey_NamesTheCheckpointSignature()
    {
        var checkpoint = (await _store.ReadCheckpointsAsync(Chain, Cancellation))[0];
        var other = new CheckpointSigner(new byte[32]).Checkpoint(Chain, checkpoint.TreeSize, checkpoint.Time, checkpoint.RootHash, checkpoint.HeadHash);
        Tamper("UPDATE audit_checkpoints SET key_id = @key, signature = @signature WHERE tree_size = 10", ("@key", other.KeyId), ("@signature", other.Signature));

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
            var forged = entry.Event with { Reason = "rewritten" };
            var hash = hasher.Hash(previous, Chain, entry.Sequence, forged);
            Tamper("UPDATE audit_entries SET reason = 'rewritten', prev_hash = @prev, hash = @hash WHERE seq = @seq",
                ("@seq", entry.Sequence), ("@prev", previous), ("@hash", hash));
            previous = hash;
        }

        var result = await VerifyAsync();

        Assert.Equal(20, result.BrokenAt);
        Assert.Equal(AuditBreak.CheckpointMismatch, result.Cause);
    }

    [Fact]
    public async Task Verify_Range_ChecksOnlyThatRangeAndItsCheckpoints()
    {
        Tamper("UPDATE audit_entries SET tenant = 'other' WHERE seq = 3");

        var result = await AuditVerifier.VerifyAsync(_store, Chain, 11, 20, _signer.PublicKey, Cancellation);

        Assert.True(result.Intact, result.Detail);
        Assert.Equal(10, result.EntriesChecked);
        Assert.Equal(1, result.CheckpointsChecked);
    }

    [Fact]
    public async Task QueryAsync_FilterAndCursor_PagesInTimeOrder()
    {
        var first = await _store.QueryAsync(new AuditQuery { Action = "task.create", Limit = 5 }, Cancellation);
        Assert.True(AuditCursor.TryParse(first.NextCursor, out var cursor));
        var second = await _store.QueryAsync(new AuditQuery { Action = "task.create", Limit = 5, After = cursor }, Cancellation);
        var third = await _store.QueryAsync(new AuditQuery { Action = "task.create", Limit = 5, After = AuditCursor.TryParse(second.NextCursor, out var c) ? c : null }, Cancellation);

        Assert.Equal([2L, 4, 6, 8, 10], first.Entries.Select(static e => e.Sequence));
        Assert.Equal([12L, 14, 16, 18, 20], second.Entries.Select(static e => e.Sequence));
        Assert.Equal([22L, 24], third.Entries.Select(static e => e.Sequence));
        Assert.Null(third.NextCursor);
        Assert.All(first.Entries, static e => Assert.Equal("POST", e.Event.Details["method"]));
    }

    [Fact]
    public async Task QueryAsync_OutcomeAndTimeRange_FiltersBoth()
    {
        var page = await _store.QueryAsync(new AuditQuery { Outcome = AuditOutcome.Denied, From = Event(6).Time, To = Event(20).Time }, Cancellation);

        Assert.Equal([10L, 15], page.Entries.Select(static e => e.Sequence));
    }

    [Fact]
    public async Task SaveCursorAsync_Twice_KeepsTheLatestPerSinkAndChain()
    {
        await _store.SaveCursorAsync("syslog:a", Chain, 10, Cancellation);
        await _store.SaveCursorAsync("syslog:a", Chain, 25, Cancellation);
        await _store.SaveCursorAsync("webhook:b", Chain, 3, Cancellation);

        Assert.Equal(25, await _store.ReadCursorAsync("syslog:a", Chain, Cancellation));
        Assert.Equal(3, await _store.ReadCursorAsync("webhook:b", Chain, Cancellation));
        Assert.Equal(0, await _store.ReadCursorAsync("syslog:a", "node-b", Cancellation));
    }

    [Fact]
    public async Task OpenReadOnly_ExistingFile_VerifiesWithoutWriting()
    {
        await using var copy = SqliteAuditStore.OpenReadOnly(_database.FilePath);
        await copy.InitializeAsync(Cancellation);

        var result = await AuditVerifier.VerifyAsync(copy, Chain, 1, null, _signer.PublicKey, Cancellation);

        Assert.True(result.Intact, result.Detail);
        await Assert.ThrowsAsync<InvalidOperationException>(() => copy.AppendAsync([], null, Cancellation));
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

    private void Tamper(string sql, params (string Name, object Value)[] parameters)
    {
        Execute("DROP TRIGGER IF EXISTS audit_entries_no_update; DROP TRIGGER IF EXISTS audit_entries_no_delete; DROP TRIGGER IF EXISTS audit_checkpoints_no_update; DROP TRIGGER IF EXISTS audit_checkpoints_no_delete");
        Execute(sql, parameters);
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = _database.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
