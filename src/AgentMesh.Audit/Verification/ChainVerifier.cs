using System.Buffers;
using System.Collections.Concurrent;

namespace AgentMesh.Audit;

/// <summary>
/// Recomputes one chain entry by entry: sequence continuity, the link to the previous hash, each entry's own hash,
/// and every checkpoint reached (signature, Merkle root, head). Stops at the first break. One instance per run.
/// Runs of entries (<see cref="Accept(IReadOnlyList{AuditEntry})"/>) have their chain and leaf hashes computed on every
/// core first; the links, the tree and the checkpoints are then checked in order.
/// </summary>
public sealed class ChainVerifier
{
    private readonly string _chain;
    private readonly byte[]? _publicKey;
    private readonly Queue<AuditCheckpoint> _checkpoints;
    private readonly ChainHasher _hasher = new();
    private readonly MerkleFrontier _frontier = new();
    private const int ParallelFrom = 512;
    private const int HashesPerEntry = 2 * ChainHasher.HashSize;

    private readonly byte[] _computed = new byte[ChainHasher.HashSize];
    private readonly byte[] _leaf = new byte[MerkleTree.HashSize];
    private byte[] _previous;
    private long _expected;

    /// <param name="chain">The chain verified.</param>
    /// <param name="from">The first sequence number verified (1 for the whole chain).</param>
    /// <param name="precedingHashes">The stored hashes of entries 1…from−1: the anchor of the first link and the first Merkle leaves.</param>
    /// <param name="checkpoints">The chain's checkpoints; those below <paramref name="from"/> are ignored.</param>
    /// <param name="publicKey">The Ed25519 key checkpoints must be signed with; null skips signature checks.</param>
    public ChainVerifier(string chain, long from, IReadOnlyList<byte[]> precedingHashes, IEnumerable<AuditCheckpoint> checkpoints, byte[]? publicKey)
    {
        _chain = chain;
        _publicKey = publicKey;
        _expected = from;
        foreach (var hash in precedingHashes)
        {
            _frontier.Append(MerkleTree.LeafHash(hash));
        }

        _previous = precedingHashes.Count > 0 ? precedingHashes[^1] : ChainHasher.Genesis.ToArray();
        _checkpoints = new Queue<AuditCheckpoint>(checkpoints.Where(c => c.TreeSize >= from).OrderBy(static c => c.TreeSize));
        if (from > 1 && precedingHashes.Count != from - 1)
        {
            Break(precedingHashes.Count + 1, AuditBreak.EntryMissing, $"Only {precedingHashes.Count} entries precede sequence {from}.");
        }
    }

    public long EntriesChecked { get; private set; }

    public int CheckpointsChecked { get; private set; }

    public long? BrokenAt { get; private set; }

    public AuditBreak Cause { get; private set; }

    public string? Detail { get; private set; }

    /// <summary>Set when an entry links to an unknown hash: the caller decides whether that hash belongs to another entry (order changed).</summary>
    public byte[]? UnmatchedLink { get; private set; }

    /// <summary>The sequence number the next entry must have.</summary>
    public long Expected => _expected;

    /// <summary>Checks the next entry; false once the chain is broken.</summary>
    public bool Accept(AuditEntry entry)
    {
        if (BrokenAt is not null || !Follows(entry))
        {
            return false;
        }

        _hasher.Hash(entry.PreviousHash, _chain, entry.Sequence, entry.Event, _computed);
        MerkleTree.LeafHash(entry.Hash, _leaf);
        return Matches(entry, _computed, _leaf);
    }

    /// <summary>Checks the next entries, in sequence order; false once the chain is broken.</summary>
    public bool Accept(IReadOnlyList<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count < ParallelFrom || Environment.ProcessorCount == 1)
        {
            foreach (var entry in entries)
            {
                if (!Accept(entry))
                {
                    return false;
                }
            }

            return BrokenAt is null;
        }

        if (BrokenAt is not null)
        {
            return false;
        }

        var hashes = ArrayPool<byte>.Shared.Rent(entries.Count * HashesPerEntry);
        try
        {
            var chunk = Math.Max(ParallelFrom / 2, (entries.Count / Environment.ProcessorCount) + 1);
            Parallel.ForEach(Partitioner.Create(0, entries.Count, chunk), range =>
            {
                var hasher = new ChainHasher();
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    var entry = entries[i];
                    var slot = hashes.AsSpan(i * HashesPerEntry, HashesPerEntry);
                    hasher.Hash(entry.PreviousHash, _chain, entry.Sequence, entry.Event, slot[..ChainHasher.HashSize]);
                    MerkleTree.LeafHash(entry.Hash, slot[ChainHasher.HashSize..]);
                }
            });

            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                var slot = hashes.AsSpan(i * HashesPerEntry, HashesPerEntry);
                if (!Follows(entry) || !Matches(entry, slot[..ChainHasher.HashSize], slot[ChainHasher.HashSize..]))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(hashes);
        }
    }

    /// <summary>Ends the run: a checkpoint beyond the last entry means entries were cut off.</summary>
    public void Finish(long to)
    {
        if (BrokenAt is not null)
        {
            return;
        }

        if (_checkpoints.TryPeek(out var checkpoint) && checkpoint.TreeSize <= to)
        {
            Break(_expected, AuditBreak.EntryMissing, $"The checkpoint at tree size {checkpoint.TreeSize} covers entries up to {checkpoint.TreeSize}; the chain ends at {_expected - 1}.");
        }
    }

    /// <summary>Reclassifies a broken link as reordering once the caller found the linked hash elsewhere in the chain.</summary>
    public void LinkFoundElsewhere(long sequence, long owner)
    {
        BrokenAt = sequence;
        Cause = AuditBreak.OrderChanged;
        Detail = $"Entry {sequence} links to the hash of the entry now at {owner}: entries were reordered.";
    }

    private bool Follows(AuditEntry entry)
    {
        if (entry.Sequence != _expected)
        {
            return Break(_expected, AuditBreak.EntryMissing, entry.Sequence > _expected
                ? $"Entry {_expected} is missing: the entry after {_expected - 1} is {entry.Sequence}."
                : $"Entry {entry.Sequence} appears where {_expected} belongs.");
        }

        if (!entry.PreviousHash.AsSpan().SequenceEqual(_previous))
        {
            UnmatchedLink = entry.PreviousHash;
            return Break(entry.Sequence - 1, AuditBreak.ContentChanged, $"Entry {entry.Sequence} records a different hash for entry {entry.Sequence - 1}: entry {entry.Sequence - 1} was rewritten.");
        }

        return true;
    }

    private bool Matches(AuditEntry entry, ReadOnlySpan<byte> computed, ReadOnlySpan<byte> leaf)
    {
        if (!computed.SequenceEqual(entry.Hash))
        {
            return Break(entry.Sequence, AuditBreak.ContentChanged, $"The fields of entry {entry.Sequence} no longer produce its hash.");
        }

        _frontier.Append(leaf);
        _previous = entry.Hash;
        _expected++;
        EntriesChecked++;
        while (_checkpoints.TryPeek(out var checkpoint) && checkpoint.TreeSize <= entry.Sequence)
        {
            _checkpoints.Dequeue();
            if (!Check(checkpoint, entry))
            {
                return false;
            }
        }

        return true;
    }

    private bool Check(AuditCheckpoint checkpoint, AuditEntry head)
    {
        if (!string.Equals(checkpoint.Chain, _chain, StringComparison.Ordinal))
        {
            return Break(checkpoint.TreeSize, AuditBreak.CheckpointMismatch, $"The checkpoint at tree size {checkpoint.TreeSize} names chain '{checkpoint.Chain}'.");
        }

        if (_publicKey is not null && !CheckpointSigner.Verify(_publicKey, checkpoint))
        {
            return Break(checkpoint.TreeSize, AuditBreak.CheckpointSignatureInvalid, $"The signature of the checkpoint at tree size {checkpoint.TreeSize} does not verify with key {CheckpointSigner.KeyIdOf(_publicKey)}.");
        }

        if (checkpoint.TreeSize != head.Sequence || !_frontier.Root().AsSpan().SequenceEqual(checkpoint.RootHash) || !head.Hash.AsSpan().SequenceEqual(checkpoint.HeadHash))
        {
            return Break(checkpoint.TreeSize, AuditBreak.CheckpointMismatch, $"Entries 1…{checkpoint.TreeSize} no longer have the Merkle root and head signed at that tree size.");
        }

        CheckpointsChecked++;
        return true;
    }

    private bool Break(long sequence, AuditBreak cause, string detail)
    {
        BrokenAt = sequence;
        Cause = cause;
        Detail = detail;
        return false;
    }
}
