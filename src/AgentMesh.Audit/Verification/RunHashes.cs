using System.Buffers;

namespace AgentMesh.Audit;

/// <summary>
/// What a run's checks need that does not depend on the entries before it: each entry's chain hash computed over its
/// stored bytes, its Merkle leaf hash, and the inner nodes of every whole subtree of 2^<see cref="Height"/> leaves the run
/// holds. Entry i is taken to be leaf <c>first − 1 + i</c>, where <c>first</c> is the run's first sequence number; the
/// in-order checks find any run that does not hold what it should before a subtree is used. Computed once per run, on
/// the thread that read it (<see cref="ChainVerifier.Prepare"/>); buffers are pooled and returned with the run.
/// </summary>
internal sealed class RunHashes : IDisposable
{
    /// <summary>Subtrees of 2^9 leaves: a run of <see cref="EncodedRun.Capacity"/> entries aligned on it holds eight.</summary>
    public const int Height = 9;
    public const int Leaves = 1 << Height;
    private const int Nodes = Leaves - 1;
    private const int Size = MerkleTree.HashSize;

    private readonly List<Segment> _segments = [];
    private byte[] _computed;
    private byte[] _leaves;
    private byte[] _nodes;

    public RunHashes(EncodedRun run)
    {
        _computed = ArrayPool<byte>.Shared.Rent(run.Count * Size);
        _leaves = ArrayPool<byte>.Shared.Rent(run.Count * Size);
        _nodes = ArrayPool<byte>.Shared.Rent(Math.Max(1, run.Count / Leaves * Nodes * Size));
        var first = run.Sequence(0);
        var start = 0;
        var subtrees = 0;

        // A first sequence number below 1 fails the in-order checks at once; its entries get no subtree.
        var head = first < 1 ? run.Count : (int)Math.Min(run.Count, (Leaves - ((first - 1) % Leaves)) % Leaves);
        if (head > 0)
        {
            _segments.Add(new Segment(0, head, -1));
            start = head;
        }

        for (; start + Leaves <= run.Count; start += Leaves)
        {
            _segments.Add(new Segment(start, start + Leaves, subtrees++));
        }

        if (start < run.Count)
        {
            _segments.Add(new Segment(start, run.Count, -1));
        }

        foreach (var segment in _segments)
        {
            Hash(run, segment);
        }
    }

    /// <summary>The run's entries cut where whole subtrees begin and end, in order.</summary>
    public IReadOnlyList<Segment> Segments => _segments;

    /// <summary>The chain hash computed over entry <paramref name="index"/>'s stored bytes.</summary>
    public ReadOnlySpan<byte> Computed(int index) => _computed.AsSpan(index * Size, Size);

    /// <summary>The Merkle leaf hash of entry <paramref name="index"/>'s stored hash.</summary>
    public ReadOnlySpan<byte> Leaf(int index) => _leaves.AsSpan(index * Size, Size);

    /// <summary>Node <paramref name="index"/> at <paramref name="height"/> (0: leaves) of the segment's subtree.</summary>
    public ReadOnlySpan<byte> Node(Segment segment, int height, int index) => height == 0
        ? Leaf(segment.Start + index)
        : _nodes.AsSpan(NodeOffset(segment, height, index), Size);

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_computed);
        ArrayPool<byte>.Shared.Return(_leaves);
        ArrayPool<byte>.Shared.Return(_nodes);
        _computed = _leaves = _nodes = [];
    }

    private static int NodeOffset(Segment segment, int height, int index) =>
        ((segment.Subtree * Nodes) + Leaves - (Leaves * 2 >> height) + index) * Size;

    private void Hash(EncodedRun run, Segment segment)
    {
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
        for (var height = 1; height <= Height; height++)
        {
            for (var index = 0; index < Leaves >> height; index++)
            {
                Node(segment, height - 1, 2 * index).CopyTo(input[1..]);
                Node(segment, height - 1, (2 * index) + 1).CopyTo(input[(1 + Size)..]);
                Sha256Digest.Hash(input, _nodes.AsSpan(NodeOffset(segment, height, index), Size));
            }
        }
    }

    /// <summary>Entries [<see cref="Start"/>, <see cref="End"/>) of a run; <see cref="Subtree"/> ≥ 0 when they are one whole subtree.</summary>
    public readonly record struct Segment(int Start, int End, int Subtree);
}
