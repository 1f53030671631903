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
    private AuditCheckpoint[] _checkpoints = null!;
    private byte[] _publicKey = null!;
    private string _folder = null!;

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

        _chain = [.. store.ReadAsync("bench", 1, long.MaxValue, CancellationToken.None).ToBlockingEnumerable()];
        _checkpoints = [.. await store.ReadCheckpointsAsync("bench", CancellationToken.None)];
        _folder = Path.Combine(Path.GetTempPath(), "agentmesh-bench", Guid.NewGuid().ToString("N"));
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
    /// Every entry hashed, linked and every checkpoint (one per 1,000 entries) checked: signature, root and head; in runs
    /// of 4,096 entries whose hashes are computed on every core, as <see cref="AuditVerifier"/> reads them.
    /// </summary>
    [Benchmark]
    public long Verify()
    {
        var verifier = new ChainVerifier("bench", 1, [], _checkpoints, _publicKey);
        for (var start = 0; start < _chain.Length; start += 4096)
        {
            verifier.Accept(new ArraySegment<AuditEntry>(_chain, start, Math.Min(4096, _chain.Length - start)));
        }

        verifier.Finish(_chain.Length);
        return verifier.EntriesChecked;
    }

    /// <summary>The same, one entry at a time on one core.</summary>
    [Benchmark]
    public long VerifyOneCore()
    {
        var verifier = new ChainVerifier("bench", 1, [], _checkpoints, _publicKey);
        foreach (var entry in _chain)
        {
            verifier.Accept(entry);
        }

        verifier.Finish(_chain.Length);
        return verifier.EntriesChecked;
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
