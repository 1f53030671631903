namespace AgentMesh.Audit;

/// <summary>
/// The right edge of an RFC 9162 tree: the roots of its perfect subtrees, one per set bit of the size. Appending a
/// leaf costs O(1) amortised node hashes and the root O(log n), so checkpoints never rehash the whole log. The edge
/// lives in one fixed buffer (at most 64 subtrees), so appending allocates nothing.
/// </summary>
public sealed class MerkleFrontier
{
    private const int MaxSubtrees = 64;

    private readonly byte[] _subtrees = new byte[MaxSubtrees * MerkleTree.HashSize];
    private int _count;

    public long Size { get; private set; }

    public void Append(byte[] leafHash) => Append(leafHash.AsSpan());

    public void Append(ReadOnlySpan<byte> leafHash) => Append(leafHash, 0);

    /// <summary>Appends the root of a perfect subtree of 2^<paramref name="height"/> leaves; the size must be a multiple of that.</summary>
    public void Append(ReadOnlySpan<byte> subtreeRoot, int height)
    {
        if ((Size & ((1L << height) - 1)) != 0)
        {
            throw new InvalidOperationException($"A subtree of 2^{height} leaves cannot follow {Size} leaves.");
        }

        Span<byte> node = stackalloc byte[MerkleTree.HashSize];
        subtreeRoot[..MerkleTree.HashSize].CopyTo(node);
        for (var size = Size >> height; (size & 1) == 1; size >>= 1)
        {
            _count--;
            MerkleTree.NodeHash(Subtree(_count), node, node);
        }

        node.CopyTo(_subtrees.AsSpan(_count * MerkleTree.HashSize, MerkleTree.HashSize));
        _count++;
        Size += 1L << height;
    }

    public byte[] Root() => Root([]);

    /// <summary>
    /// The root of this tree followed by the perfect subtrees whose roots <paramref name="right"/> holds (32 bytes each, left
    /// to right, each smaller than the one before and than this tree's last): the root at a size inside a subtree not yet appended.
    /// </summary>
    public byte[] Root(ReadOnlySpan<byte> right)
    {
        var extra = right.Length / MerkleTree.HashSize;
        if (_count + extra == 0)
        {
            return MerkleTree.EmptyRoot();
        }

        var root = new byte[MerkleTree.HashSize];
        var i = _count + extra - 1;
        At(i, right).CopyTo(root);
        for (i--; i >= 0; i--)
        {
            MerkleTree.NodeHash(At(i, right), root, root);
        }

        return root;
    }

    private ReadOnlySpan<byte> At(int index, ReadOnlySpan<byte> right) =>
        index < _count ? Subtree(index) : right.Slice((index - _count) * MerkleTree.HashSize, MerkleTree.HashSize);

    private ReadOnlySpan<byte> Subtree(int index) => _subtrees.AsSpan(index * MerkleTree.HashSize, MerkleTree.HashSize);
}
