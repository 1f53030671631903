using AgentMesh.Audit;
using AgentMesh.Sqlite.Audit;
using BenchmarkDotNet.Attributes;

namespace AgentMesh.Benchmarks;

/// <summary>
/// Verification of a chain (SPEC §14: ≥ 1,000,000 entries/s): a chain of a million entries with a checkpoint every
/// 1,000, so that the rate is the steady one rather than the cost of opening the file. Entries/s = Entries / mean time.
/// </summary>
[MemoryDiagnoser]
public class AuditVerificationBenchmarks
{
    private AuditChain _chain = null!;

    [Params(1_000_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public async Task SetupAsync() => _chain = await AuditChain.CreateAsync(Entries);

    [GlobalCleanup]
    public void Cleanup() => _chain.Dispose();

    /// <summary>
    /// What <c>agentmesh audit verify --offline</c> does: open <c>audit.db</c> read-only and verify the chain from its rows
    /// to the verdict (rows read, every entry re-encoded and hashed, linked, every checkpoint checked).
    /// </summary>
    [Benchmark]
    public async Task<long> VerifyStored()
    {
        await using var store = SqliteAuditStore.OpenReadOnly(_chain.Database);
        await store.InitializeAsync(CancellationToken.None);
        var result = await AuditVerifier.VerifyAsync(store, AuditChain.Name, 1, null, _chain.PublicKey, CancellationToken.None);
        return result.Intact ? result.EntriesChecked : throw new InvalidOperationException(result.Detail);
    }

    /// <summary>Only the reading part of <see cref="VerifyStored"/>, on one connection: rows to encoded runs, nothing hashed.</summary>
    [Benchmark]
    public async Task<long> ReadStored()
    {
        await using var store = SqliteAuditStore.OpenReadOnly(_chain.Database);
        await store.InitializeAsync(CancellationToken.None);
        var entries = 0L;
        await foreach (var run in store.ReadEncodedAsync(AuditChain.Name, 1, long.MaxValue, CancellationToken.None))
        {
            entries += run.Count;
            run.Dispose();
        }

        return entries;
    }
}
