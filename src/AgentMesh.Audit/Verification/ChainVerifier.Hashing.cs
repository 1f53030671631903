namespace AgentMesh.Audit;

/// <summary>The hashes of a run, computed on every core before its entries are checked in order.</summary>
public sealed partial class ChainVerifier
{
    /// <summary>Runs are split into subtrees of 2^9 leaves where they hold them whole: their nodes are hashed in parallel too.</summary>
    private const int SubtreeHeight = 9;
    private const int SubtreeLeaves = 1 << SubtreeHeight;
    private const int SubtreeNodes = SubtreeLeaves - 1;
    private const int Size = MerkleTree.HashSize;

    private readonly byte[] _computed = new byte[EncodedRun.Capacity * Size];
    private readonly byte[] _leaves = new byte[EncodedRun.Capacity * Size];
    private readonly byte[] _nodes = new byte[(EncodedRun.Capacity / SubtreeLeaves) * SubtreeNodes * Size];
    private readonly List<Segment> _segments = [];
    private readonly List<int> _signing = [];

    private ReadOnlySpan<byte> Computed(int index) => _computed.AsSpan(index * Size, Size);

    private ReadOnlySpan<byte> Leaf(int index) => _leaves.AsSpan(index * Size, Size);

    /// <summary>Node <paramref name="index"/> at <paramref name="height"/> (0: leaves) of the segment's subtree.</summary>
    private ReadOnlySpan<byte> Node(Segment segment, int height, int index) => height == 0
        ? Leaf(segment.Start + index)
        : _nodes.AsSpan(NodeOffset(segment, height, index), Size);

    private static int NodeOffset(Segment segment, int height, int index) =>
        ((segment.Subtree * SubtreeNodes) + SubtreeLeaves - (SubtreeLeaves * 2 >> height) + index) * Size;

    private void Hash(EncodedRun run)
    {
        // Entry i is leaf _expected − 1 + i if the run holds what it should; if not, the in-order checks stop before any subtree is used.
        _segments.Clear();
        var start = 0;
        var subtrees = 0;
        var head = (int)Math.Min(run.Count, (SubtreeLeaves - ((_expected - 1) % SubtreeLeaves)) % SubtreeLeaves);
        if (head > 0)
        {
            _segments.Add(new Segment(0, head, -1));
            start = head;
        }

        for (; start + SubtreeLeaves <= run.Count; start += SubtreeLeaves)
        {
            _segments.Add(new Segment(start, start + SubtreeLeaves, subtrees++));
        }

        if (start < run.Count)
        {
            _segments.Add(new Segment(start, run.Count, -1));
        }

        _signing.Clear();
        var last = run.Sequence(run.Count - 1);
        for (var i = _nextCheckpoint; _publicKey is not null && i < _checkpoints.Length && _checkpoints[i].TreeSize <= last; i++)
        {
            _signing.Add(i);
        }

        var work = _segments.Count + _signing.Count;
        if (Environment.ProcessorCount == 1)
        {
            for (var item = 0; item < work; item++)
            {
                Hash(run, item);
            }
        }
        else
        {
            Parallel.For(0, work, item => Hash(run, item));
        }
    }

    private void Hash(EncodedRun run, int item)
    {
        if (item >= _segments.Count)
        {
            SignatureValid(_signing[item - _segments.Count]);
            return;
        }

        var segment = _segments[item];
        Span<byte> input = stackalloc byte[1 + (2 * Size)];
        for (var i = segment.Start; i < segment.End; i++)
        {
            Sha256Digest.Hash(run.Input(i), _computed.AsSpan(i * Size, Size));

            // A stored hash of another length fails against the computed one before its leaf is used.
            var hash = run.Hash(i);
            if (hash.Length == Size)
            {
                input[0] = 0;
                hash.CopyTo(input[1..]);
                Sha256Digest.Hash(input[..(1 + Size)], _leaves.AsSpan(i * Size, Size));
            }
        }

        if (segment.Subtree < 0)
        {
            return;
        }

        input[0] = 1;
        for (var height = 1; height <= SubtreeHeight; height++)
        {
            for (var index = 0; index < SubtreeLeaves >> height; index++)
            {
                Node(segment, height - 1, 2 * index).CopyTo(input[1..]);
                Node(segment, height - 1, (2 * index) + 1).CopyTo(input[(1 + Size)..]);
                Sha256Digest.Hash(input, _nodes.AsSpan(NodeOffset(segment, height, index), Size));
            }
        }
    }

    /// <summary>Entries [<see cref="Start"/>, <see cref="End"/>) of a run; <see cref="Subtree"/> ≥ 0 when they are one whole subtree.</summary>
    private readonly record struct Segment(int Start, int End, int Subtree);
}
