using AgentMesh.Audit;
using AgentMesh.Sqlite.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Sqlite.Tests;

/// <summary>Verification encodes audit rows straight from their bytes; it must hash exactly what reading each entry and encoding it hashes.</summary>
public sealed class AuditEncodedRowsTests : IAsyncLifetime
{
    private const string Chain = "node-a";
    private const int Count = 5000;
    private readonly TemporaryDatabase _database = new("audit.db");
    private SqliteAuditStore _store = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = new SqliteAuditStore(_database.FilePath);
        await using var appender = new AuditAppender(_store, new CheckpointSigner(new byte[32]), new AuditOptions { Chain = Chain }, TimeProvider.System, NullLogger<AuditAppender>.Instance);
        await appender.StartAsync(Cancellation);
        for (var i = 1; i <= Count; i++)
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
    public async Task ReadEncodedAsync_AsWritten_MatchesEncodingTheEntriesRead()
    {
        Assert.Equal(await EncodedAsync(_store), await EncodedAsync(new ReadingStore(_store)));
    }

    [Theory]
    [InlineData("details = '{\"b\":\"1\",\"a\":\"2\"}'")]
    [InlineData("details = '{\"a\":1,\"b\":null}'")]
    [InlineData("details = '{\"a\":\"x\",\"a\":\"y\"}'")]
    [InlineData("details = '{\"\\u0061\":\"x\",\"b\":\"\\u00e9\\n\"}'")]
    [InlineData("details = '{\"é\":\"x\"}'")]
    [InlineData("details = 'not json'")]
    [InlineData("details = '{\"a\":\"x\"} {}'")]
    [InlineData("tenant = x'6163'")]
    [InlineData("tenant = CAST(x'ff61' AS TEXT)")]
    [InlineData("actor_ip = CAST(x'610062' AS TEXT)")]
    [InlineData("tenant = NULL, reason = 'ünïcødé 😀'")]
    [InlineData("outcome = 'Success', classification = 'secret'")]
    [InlineData("time = 'soon'")]
    [InlineData("hash = x'00', prev_hash = 'text'")]
    public async Task ReadEncodedAsync_RowsNoWriterProduces_MatchEncodingTheEntriesRead(string change)
    {
        using (var connection = _database.OpenRaw())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"DROP TRIGGER audit_entries_no_update; UPDATE audit_entries SET {change} WHERE seq IN (1, 2, 777, 4096, 4097, {Count})";
            Assert.Equal(6, command.ExecuteNonQuery());
        }

        Assert.Equal(await EncodedAsync(new ReadingStore(_store)), await EncodedAsync(_store));
    }

    private static async Task<List<(long Sequence, string Input, string Hash)>> EncodedAsync(IAuditStore store)
    {
        var entries = new List<(long, string, string)>();
        await foreach (var run in store.ReadEncodedAsync(Chain, 1, long.MaxValue, Cancellation))
        {
            using (run)
            {
                Assert.True(run.Count <= EncodedRun.Capacity);
                for (var i = 0; i < run.Count; i++)
                {
                    entries.Add((run.Sequence(i), Convert.ToHexString(run.Input(i)), Convert.ToHexString(run.Hash(i))));
                }
            }
        }

        Assert.Equal(Count, entries.Count);
        return entries;
    }

    private static AuditEvent Event(int i) => new(
        DateTimeOffset.UnixEpoch.AddSeconds(1_800_000_000 + i).AddTicks(i * 10L),
        i % 7 == 0 ? null : "tenant-" + (i % 3),
        new AuditActor("api_key", i % 11 == 0 ? null : "key-" + i, "127.0.0.1", i % 2 == 0 ? null : "agentmesh-sdk/0.1 (zürich)"),
        i % 2 == 0 ? "task.create" : "task.read",
        new AuditResource("task", $"task-{i}"),
        (AuditOutcome)(i % 3),
        i % 13 == 0 ? "quota \"exceeded\" <here> & there" : null,
        $"req-{i}",
        null,
        (DataClassification)(i % 4),
        i % 5 == 0 ? AuditEvent.NoDetails : new Dictionary<string, string> { ["status"] = "201", ["route"] = "/v1/tenants/{tenant}/tasks?x=1+2", ["method"] = "POST", ["note"] = "🙂 é" });

    /// <summary>The store as one without a row encoder of its own: entries are read, then encoded.</summary>
    private sealed class ReadingStore(SqliteAuditStore store) : IAuditStore
    {
        public Task InitializeAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task AppendAsync(IReadOnlyList<AuditEntry> entries, AuditCheckpoint? checkpoint, CancellationToken cancellationToken) => store.AppendAsync(entries, checkpoint, cancellationToken);

        public Task<IReadOnlyList<string>> ReadChainsAsync(CancellationToken cancellationToken) => store.ReadChainsAsync(cancellationToken);

        public Task<AuditEntry?> ReadLastAsync(string chain, CancellationToken cancellationToken) => store.ReadLastAsync(chain, cancellationToken);

        public IAsyncEnumerable<AuditEntry> ReadAsync(string chain, long fromSequence, long toSequence, CancellationToken cancellationToken) => store.ReadAsync(chain, fromSequence, toSequence, cancellationToken);

        public Task<IReadOnlyList<byte[]>> ReadHashesAsync(string chain, long toSequence, CancellationToken cancellationToken) => store.ReadHashesAsync(chain, toSequence, cancellationToken);

        public Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(string chain, CancellationToken cancellationToken) => store.ReadCheckpointsAsync(chain, cancellationToken);

        public Task<long> ReadCursorAsync(string sink, string chain, CancellationToken cancellationToken) => store.ReadCursorAsync(sink, chain, cancellationToken);

        public Task SaveCursorAsync(string sink, string chain, long sequence, CancellationToken cancellationToken) => store.SaveCursorAsync(sink, chain, sequence, cancellationToken);

        public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => store.QueryAsync(query, cancellationToken);

        public Task<byte[]> AddSubjectKeyAsync(string tag, byte[] wrappedKey, CancellationToken cancellationToken) => store.AddSubjectKeyAsync(tag, wrappedKey, cancellationToken);

        public Task<IReadOnlyDictionary<string, byte[]>> ReadSubjectKeysAsync(IReadOnlyCollection<string> tags, CancellationToken cancellationToken) => store.ReadSubjectKeysAsync(tags, cancellationToken);

        public Task<bool> DeleteSubjectKeyAsync(string tag, CancellationToken cancellationToken) => store.DeleteSubjectKeyAsync(tag, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
