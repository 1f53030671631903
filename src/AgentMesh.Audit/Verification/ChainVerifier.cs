namespace AgentMesh.Audit;

/// <summary>
/// Recomputes one chain entry by entry: sequence continuity, the link to the previous hash, each entry's own hash,
/// and every checkpoint reached (signature, Merkle root, head). Stops at the first break. One instance per run.
/// Each run of entries (<see cref="Accept"/>) has its chain hashes, leaf hashes, the Merkle subtrees it holds whole and the
/// signatures of the checkpoints it reaches computed first, by the thread that read it (<see cref="Prepare"/>); links,
/// hashes and checkpoints are then checked in sequence order, so the first break reported is the same as one entry at a
/// time would find.
/// </summary>
public sealed partial class ChainVerifier
{
    private readonly string _chain;
    private readonly byte[]? _publicKey;
    private readonly AuditCheckpoint[] _checkpoints;
    private readonly sbyte[] _signatures;
    private readonly MerkleFrontier _frontier = new();
    private int _nextCheckpoint;
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
        _checkpoints = [.. checkpoints.Where(c => c.TreeSize >= from).OrderBy(static c => c.TreeSize)];
        _signatures = new sbyte[_checkpoints.Length];
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

    /// <summary>Checks the next entries, in sequence order; false once the chain is broken.</summary>
    public bool Accept(EncodedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (BrokenAt is not null)
        {
            return false;
        }

        if (run.Count == 0)
        {
            return true;
        }

        Prepare(run);
        var hashes = run.Hashes!;
        var segments = hashes.Segments;
        var segment = 0;
        for (var i = 0; i < run.Count; i++)
        {
            var sequence = run.Sequence(i);
            if (sequence != _expected)
            {
                return Break(_expected, AuditBreak.EntryMissing, sequence > _expected
                    ? $"Entry {_expected} is missing: the entry after {_expected - 1} is {sequence}."
                    : $"Entry {sequence} appears where {_expected} belongs.");
            }

            var link = run.PreviousHash(i);
            if (!link.SequenceEqual(i == 0 ? _previous : run.Hash(i - 1)))
            {
                UnmatchedLink = link.ToArray();
                return Break(sequence - 1, AuditBreak.ContentChanged, $"Entry {sequence} records a different hash for entry {sequence - 1}: entry {sequence - 1} was rewritten.");
            }

            var hash = run.Hash(i);
            if (!hashes.Computed(i).SequenceEqual(hash))
            {
                return Break(sequence, AuditBreak.ContentChanged, $"The fields of entry {sequence} no longer produce its hash.");
            }

            while (segments[segment].End <= i)
            {
                segment++;
            }

            var inSubtree = segments[segment].Subtree >= 0 ? i - segments[segment].Start + 1 : 0;
            if (inSubtree == 0)
            {
                _frontier.Append(hashes.Leaf(i));
            }
            else if (inSubtree == SubtreeLeaves)
            {
                _frontier.Append(hashes.Node(segments[segment], SubtreeHeight, 0), SubtreeHeight);
                inSubtree = 0;
            }

            _expected++;
            EntriesChecked++;
            while (_nextCheckpoint < _checkpoints.Length && _checkpoints[_nextCheckpoint].TreeSize <= sequence)
            {
                if (!Check(_nextCheckpoint++, sequence, hash, hashes, segments[segment], inSubtree))
                {
                    return false;
                }
            }
        }

        _previous = run.Hash(run.Count - 1).ToArray();
        return true;
    }

    /// <summary>Ends the run: a checkpoint beyond the last entry means entries were cut off.</summary>
    public void Finish(long to)
    {
        if (BrokenAt is not null)
        {
            return;
        }

        if (_nextCheckpoint < _checkpoints.Length && _checkpoints[_nextCheckpoint] is { } checkpoint && checkpoint.TreeSize <= to)
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

    /// <param name="index">The checkpoint's index.</param>
    /// <param name="sequence">The entry just checked, the checkpoint's head.</param>
    /// <param name="head">That entry's hash.</param>
    /// <param name="hashes">The hashes of the run that holds it.</param>
    /// <param name="segment">Where that entry is.</param>
    /// <param name="inSubtree">How many leaves of the segment's subtree, not yet in the frontier, precede the head (it included).</param>
    private bool Check(int index, long sequence, ReadOnlySpan<byte> head, RunHashes hashes, RunHashes.Segment segment, int inSubtree)
    {
        var checkpoint = _checkpoints[index];
        if (!string.Equals(checkpoint.Chain, _chain, StringComparison.Ordinal))
        {
            return Break(checkpoint.TreeSize, AuditBreak.CheckpointMismatch, $"The checkpoint at tree size {checkpoint.TreeSize} names chain '{checkpoint.Chain}'.");
        }

        if (_publicKey is not null && !SignatureValid(index))
        {
            return Break(checkpoint.TreeSize, AuditBreak.CheckpointSignatureInvalid, $"The signature of the checkpoint at tree size {checkpoint.TreeSize} does not verify with key {CheckpointSigner.KeyIdOf(_publicKey)}.");
        }

        if (checkpoint.TreeSize != sequence || !Root(hashes, segment, inSubtree).AsSpan().SequenceEqual(checkpoint.RootHash) || !head.SequenceEqual(checkpoint.HeadHash))
        {
            return Break(checkpoint.TreeSize, AuditBreak.CheckpointMismatch, $"Entries 1…{checkpoint.TreeSize} no longer have the Merkle root and head signed at that tree size.");
        }

        CheckpointsChecked++;
        return true;
    }

    private bool SignatureValid(int index)
    {
        if (_signatures[index] == 0)
        {
            _signatures[index] = CheckpointSigner.Verify(_publicKey, _checkpoints[index]) ? (sbyte)1 : (sbyte)-1;
        }

        return _signatures[index] > 0;
    }

    /// <summary>The root at the head: the frontier followed by the perfect subtrees that cover the first leaves of the segment's subtree.</summary>
    private byte[] Root(RunHashes hashes, RunHashes.Segment segment, int inSubtree)
    {
        if (inSubtree == 0)
        {
            return _frontier.Root();
        }

        Span<byte> right = stackalloc byte[SubtreeHeight * MerkleTree.HashSize];
        var count = 0;
        var covered = 0;
        for (var height = SubtreeHeight - 1; height >= 0; height--)
        {
            if ((inSubtree & (1 << height)) != 0)
            {
                hashes.Node(segment, height, covered >> height).CopyTo(right.Slice(count++ * MerkleTree.HashSize, MerkleTree.HashSize));
                covered += 1 << height;
            }
        }

        return _frontier.Root(right[..(count * MerkleTree.HashSize)]);
    }

    private bool Break(long sequence, AuditBreak cause, string detail)
    {
        BrokenAt = sequence;
        Cause = cause;
        Detail = detail;
        return false;
    }
}
