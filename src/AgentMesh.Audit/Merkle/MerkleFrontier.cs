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

    public void Append(ReadOnlySpan<byte> leafHash)
    {
        Span<byte> node = stackalloc byte[MerkleTree.HashSize];
        leafHash[..MerkleTree.HashSize].CopyTo(node);
        for (var size = Size; (size & 1) == 1; size >>= 1)
        {
            _count--;
            MerkleTree.NodeHash(Subtree(_count), node, node);
        }

        node.CopyTo(_subtrees.AsSpan(_count * MerkleTree.HashSize, MerkleTree.HashSize));
        _count++;
        Size++;
    }

    public byte[] Root()
    {
        if (_count == 0)
        {
            return MerkleTree.EmptyRoot();
        }

        var root = Subtree(_count - 1).ToArray();
        for (var i = _count - 2; i >= 0; i--)
        {
            MerkleTree.NodeHash(Subtree(i), root, root);
        }

        return root;
    }

    private ReadOnlySpan<byte> Subtree(int index) => _subtrees.AsSpan(index * MerkleTree.HashSize, MerkleTree.HashSize);
}
