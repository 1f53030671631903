using AgentMesh.Audit;
using AgentMesh.Sqlite.Audit;

namespace AgentMesh.Sqlite.Tests;

/// <summary>
/// A chain longer than several runs, which verification reads over disjoint spans in parallel: a break in any span is
/// still the first one, named with its sequence and cause.
/// </summary>
public sealed class AuditLongChainTests : IAsyncLifetime
{
    private const string Chain = "node-a";
    private const int Count = (3 * EncodedRun.Capacity) + 500;
    private static readonly byte[] Seed = Enumerable.Range(9, 32).Select(static i => (byte)i).ToArray();
    private readonly TemporaryDatabase _database = new("audit.db");
    private readonly CheckpointSigner _signer = new(Seed);
    private SqliteAuditStore _store = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = new SqliteAuditStore(_database.FilePath);
        await _store.InitializeAsync(Cancellation);
        var hasher = new ChainHasher();
        var frontier = new MerkleFrontier();
        var previous = ChainHasher.Genesis.ToArray();
        var batch = new List<AuditEntry>();
        for (var sequence = 1L; sequence <= Count; sequence++)
        {
            var e = Event(sequence);
            var hash = hasher.Hash(previous, Chain, sequence, e);
            batch.Add(new AuditEntry(Chain, sequence, e, previous, hash));
            frontier.Append(MerkleTree.LeafHash(hash));
            previous = hash;
            if (sequence % 3000 == 0 || sequence == Count)
            {
                await _store.AppendAsync(batch, _signer.Checkpoint(Chain, sequence, e.Time, frontier.Root(), hash), Cancellation);
                batch.Clear();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Verify_Untouched_ChecksEveryEntryAndCheckpoint()
    {
        var result = await VerifyAsync();

        Assert.True(result.Intact, result.Detail);
        Assert.Equal(Count, result.EntriesChecked);
        Assert.Equal(5, result.CheckpointsChecked);
    }

    [Theory]
    [InlineData("UPDATE audit_entries SET actor_ip = '10.9.9.9' WHERE seq = 11000", 11000, AuditBreak.ContentChanged)]
    [InlineData("UPDATE audit_entries SET details = '{\"method\":\"POST\"}' WHERE seq = 4097", 4097, AuditBreak.ContentChanged)]
    [InlineData("DELETE FROM audit_entries WHERE seq = 8193", 8193, AuditBreak.EntryMissing)]
    [InlineData("DELETE FROM audit_entries WHERE seq BETWEEN 4097 AND 8192", 4097, AuditBreak.EntryMissing)]
    [InlineData("UPDATE audit_entries SET time = time + 1 WHERE seq = 12000; UPDATE audit_entries SET tenant = 'other' WHERE seq = 5000", 5000, AuditBreak.ContentChanged)]
    public async Task Verify_TamperedInALaterSpan_NamesTheFirstBrokenEntry(string sql, long brokenAt, AuditBreak cause)
    {
        using (var connection = _database.OpenRaw())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "DROP TRIGGER audit_entries_no_update; DROP TRIGGER audit_entries_no_delete; " + sql;
            command.ExecuteNonQuery();
        }

        var result = await VerifyAsync();

        Assert.Equal(brokenAt, result.BrokenAt);
        Assert.Equal(cause, result.Cause);
        Assert.Equal(brokenAt - 1, result.EntriesChecked);
    }

    [Fact]
    public async Task Verify_RangeEndingFarBeyondTheChain_ChecksUpToItsLastEntry()
    {
        var result = await VerifyAsync(to: 1_000_000_000_000);

        Assert.True(result.Intact, result.Detail);
        Assert.Equal(Count, result.EntriesChecked);
    }

    private async Task<AuditVerification> VerifyAsync(long? to = null)
    {
        await using var copy = SqliteAuditStore.OpenReadOnly(_database.FilePath);
        await copy.InitializeAsync(Cancellation);
        return await AuditVerifier.VerifyAsync(copy, Chain, 1, to, _signer.PublicKey, Cancellation);
    }

    private static AuditEvent Event(long i) => new(
        DateTimeOffset.UnixEpoch.AddSeconds(1_800_000_000 + i),
        "acme",
        new AuditActor("api_key", "key-" + (i % 7), "127.0.0.1", "agentmesh-sdk/0.1"),
        i % 2 == 0 ? "task.create" : "task.read",
        new AuditResource("task", $"task-{i}"),
        AuditOutcome.Success,
        null,
        $"req-{i}",
        null,
        DataClassification.Confidential,
        new Dictionary<string, string> { ["method"] = i % 2 == 0 ? "POST" : "GET" });
}
