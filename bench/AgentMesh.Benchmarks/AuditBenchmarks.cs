using AgentMesh.Audit;
using AgentMesh.Sqlite.Audit;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Benchmarks;

/// <summary>
/// The audit log's appends: through the bounded queue and one writer (chain hash, Merkle leaf, checkpoints, batch write).
/// Entries/s = Entries / mean time. Verification is measured by <see cref="AuditVerificationBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class AuditBenchmarks
{
    private static readonly byte[] Seed = AuditChain.Seed;

    private AuditEvent[] _events = null!;
    private string _folder = null!;

    [Params(100_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = [.. Enumerable.Range(0, Entries).Select(AuditChain.Event)];
        _folder = Path.Combine(Path.GetTempPath(), "agentmesh-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
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
}
