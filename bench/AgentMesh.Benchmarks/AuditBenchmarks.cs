using AgentMesh.Audit;
using AgentMesh.Sqlite.Audit;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Benchmarks;

/// <summary>
/// The audit log's hot paths: appending through the bounded queue and one writer (chain hash, Merkle leaf, batch
/// write), and verification of a chain (SPEC §14: ≥ 1,000,000 entries/s). Entries/s = Entries / mean time.
/// </summary>
[MemoryDiagnoser]
public class AuditBenchmarks
{
    private static readonly byte[] Seed = Enumerable.Range(1, 32).Select(static i => (byte)i).ToArray();

    private AuditEvent[] _events = null!;
    private AuditEntry[] _chain = null!;
    private InMemoryAuditStore _memory = null!;
    private AuditCheckpoint[] _checkpoints = null!;
    private byte[] _publicKey = null!;
    private string _folder = null!;
    private string _database = null!;

    [Params(100_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _events = [.. Enumerable.Range(0, Entries).Select(Event)];
        var store = new InMemoryAuditStore();
        var signer = new CheckpointSigner(Seed);
        _publicKey = signer.PublicKey;
        await using (var appender = new AuditAppender(store, signer, new AuditOptions { Chain = "bench" }, TimeProvider.System, NullLogger<AuditAppender>.Instance))
        {
            await appender.StartAsync(CancellationToken.None);
            foreach (var e in _events)
            {
                await appender.AppendAsync(e, CancellationToken.None);
            }

            await appender.StopAsync(CancellationToken.None);
        }

        _memory = store;
        _chain = [.. store.ReadAsync("bench", 1, long.MaxValue, CancellationToken.None).ToBlockingEnumerable()];
        _checkpoints = [.. await store.ReadCheckpointsAsync("bench", CancellationToken.None)];
        _folder = Path.Combine(Path.GetTempPath(), "agentmesh-bench", Guid.NewGuid().ToString("N"));
        _database = Path.Combine(_folder, "verify.db");
        await using var stored = new SqliteAuditStore(_database);
        await stored.InitializeAsync(CancellationToken.None);
        var written = 0;
        foreach (var checkpoint in _checkpoints.Append(null))
        {
            var end = (int?)checkpoint?.TreeSize ?? _chain.Length;
            await stored.AppendAsync(new ArraySegment<AuditEntry>(_chain, written, end - written), checkpoint, CancellationToken.None);
            written = end;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>
    /// What <c>agentmesh audit verify --offline</c> does: open <c>audit.db</c> read-only and verify the chain from its rows
    /// to the verdict (rows read, every entry re-encoded and hashed, linked, every checkpoint checked).
    /// </summary>
    [Benchmark]
    public async Task<long> VerifyStored()
    {
        await using var store = SqliteAuditStore.OpenReadOnly(_database);
        await store.InitializeAsync(CancellationToken.None);
        var result = await AuditVerifier.VerifyAsync(store, "bench", 1, null, _publicKey, CancellationToken.None);
        return result.Intact ? result.EntriesChecked : throw new InvalidOperationException(result.Detail);
    }

    /// <summary>Only the reading part of <see cref="VerifyStored"/>: rows to encoded runs, nothing hashed.</summary>
    [Benchmark]
    public async Task<long> ReadStored()
    {
        await using var store = SqliteAuditStore.OpenReadOnly(_database);
        await store.InitializeAsync(CancellationToken.None);
        var entries = 0L;
        await foreach (var run in store.ReadEncodedAsync("bench", 1, long.MaxValue, CancellationToken.None))
        {
            entries += run.Count;
            run.Dispose();
        }

        return entries;
    }

    /// <summary>The same from the in-memory store: entries encoded from <see cref="AuditEntry"/> values, no rows read.</summary>
    [Benchmark]
    public async Task<long> VerifyInMemory()
    {
        var result = await AuditVerifier.VerifyAsync(_memory, "bench", 1, null, _publicKey, CancellationToken.None);
        return result.Intact ? result.EntriesChecked : throw new InvalidOperationException(result.Detail);
    }

    /// <summary>Queue, sequence, hash and checkpoint into the in-memory store: the appender's own cost.</summary>
    [Benchmark]
    public async Task AppendInMemory()
    {
        await using var appender = new AuditAppender(new InMemoryAuditStore(), new CheckpointSigner(Seed), new AuditOptions { Chain = "bench" }, TimeProvider.System, NullLogger<AuditAppender>.Instance);
        await appender.StartAsync(CancellationToken.None);
        foreach (var e in _events)
        {
            await appender.AppendAsync(e, CancellationToken.None);
        }

        await appender.StopAsync(CancellationToken.None);
    }

    /// <summary>The same into audit.db: batches of up to 512 rows per transaction.</summary>
    [Benchmark]
    public async Task AppendSqlite()
    {
        await using var store = new SqliteAuditStore(Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".db"));
        await using var appender = new AuditAppender(store, new CheckpointSigner(Seed), new AuditOptions { Chain = "bench" }, TimeProvider.System, NullLogger<AuditAppender>.Instance);
        await appender.StartAsync(CancellationToken.None);
        foreach (var e in _events)
        {
            await appender.AppendAsync(e, CancellationToken.None);
        }

        await appender.StopAsync(CancellationToken.None);
    }

    /// <summary>
    /// The same with personal fields sealed under per-subject keys, as a node with a subject master key appends: every
    /// entry's actor (64 API keys) is a subject.
    /// </summary>
    [Benchmark]
    public async Task AppendSqliteSealed()
    {
        await using var store = new SqliteAuditStore(Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".db"));
        await store.InitializeAsync(CancellationToken.None);
        var subjects = new AuditSubjects(Seed, store);
        await using var appender = new AuditAppender(store, new CheckpointSigner(Seed), new AuditOptions { Chain = "bench" }, TimeProvider.System, NullLogger<AuditAppender>.Instance, subjects: subjects);
        await appender.StartAsync(CancellationToken.None);
        foreach (var e in _events)
        {
            await appender.AppendAsync(e, CancellationToken.None);
        }

        await appender.StopAsync(CancellationToken.None);
    }

    private static AuditEvent Event(int i) => new(
        DateTimeOffset.UnixEpoch.AddSeconds(1_800_000_000).AddTicks(i * 10L),
        "tenant-" + (i % 16),
        new AuditActor("api_key", "key-" + (i % 64), "10.0.0.7", "agentmesh-sdk/0.1"),
        i % 3 == 0 ? "task.create" : "agent.results",
        new AuditResource("task", Guid.CreateVersion7().ToString()),
        AuditOutcome.Success,
        null,
        "0HN" + i,
        "4bf92f3577b34da6a3ce929d0e0e4736",
        DataClassification.Confidential,
        new Dictionary<string, string> { ["method"] = "POST", ["route"] = "/v1/tenants/{tenant}/tasks", ["status"] = "201" });
}
