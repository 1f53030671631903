namespace AgentMesh.Audit;

/// <summary>
/// Where audit chains live. Rows are append-only: an implementation must make the database itself refuse updates
/// and deletes of entries and checkpoints (triggers, rules or grants), not only this code.
/// </summary>
public interface IAuditStore : IAsyncDisposable
{
    /// <summary>Creates or migrates the schema.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Appends entries (consecutive, following the chain's head) and optionally a checkpoint, atomically.</summary>
    Task AppendAsync(IReadOnlyList<AuditEntry> entries, AuditCheckpoint? checkpoint, CancellationToken cancellationToken);

    /// <summary>The chains this store holds.</summary>
    Task<IReadOnlyList<string>> ReadChainsAsync(CancellationToken cancellationToken);

    /// <summary>The last entry of a chain, or null when it is empty.</summary>
    Task<AuditEntry?> ReadLastAsync(string chain, CancellationToken cancellationToken);

    /// <summary>Entries of a chain with <paramref name="fromSequence"/> ≤ sequence ≤ <paramref name="toSequence"/>, in sequence order, as stored.</summary>
    IAsyncEnumerable<AuditEntry> ReadAsync(string chain, long fromSequence, long toSequence, CancellationToken cancellationToken);

    /// <summary>
    /// The same entries as <see cref="ReadAsync"/>, encoded for verification in runs that the caller disposes. By default
    /// each entry is read and encoded; a store may encode its rows directly, producing the same bytes.
    /// </summary>
    IAsyncEnumerable<EncodedRun> ReadEncodedAsync(string chain, long fromSequence, long toSequence, CancellationToken cancellationToken) =>
        EncodedRun.FromEntriesAsync(ReadAsync(chain, fromSequence, toSequence, cancellationToken), chain, cancellationToken);

    /// <summary>The stored chain hashes of entries 1…<paramref name="toSequence"/> in sequence order (the Merkle leaves).</summary>
    Task<IReadOnlyList<byte[]>> ReadHashesAsync(string chain, long toSequence, CancellationToken cancellationToken);

    /// <summary>A chain's checkpoints in tree-size order.</summary>
    Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(string chain, CancellationToken cancellationToken);

    /// <summary>The last sequence number of <paramref name="chain"/> a forwarding sink has delivered (0 when none).</summary>
    Task<long> ReadCursorAsync(string sink, string chain, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="sink"/> has delivered <paramref name="chain"/> up to <paramref name="sequence"/>. Cursors are the only audit rows that change.</summary>
    Task SaveCursorAsync(string sink, string chain, long sequence, CancellationToken cancellationToken);

    /// <summary>Entries of every chain matching the filter, ordered by time, chain and sequence, as stored.</summary>
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Stores a subject's wrapped key unless the subject has one already; returns the one stored (<see cref="AuditSubjects"/>).</summary>
    Task<byte[]> AddSubjectKeyAsync(string tag, byte[] wrappedKey, CancellationToken cancellationToken);

    /// <summary>The wrapped keys of those of <paramref name="tags"/> that have one; an erased subject has none.</summary>
    Task<IReadOnlyDictionary<string, byte[]>> ReadSubjectKeysAsync(IReadOnlyCollection<string> tags, CancellationToken cancellationToken);

    /// <summary>Deletes a subject's key for good (erasure); false when it had none.</summary>
    Task<bool> DeleteSubjectKeyAsync(string tag, CancellationToken cancellationToken);
}
