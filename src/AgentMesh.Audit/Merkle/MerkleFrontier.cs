namespace AgentMesh.Audit;

/// <summary>
/// The right edge of an RFC 9162 tree: the roots of its perfect subtrees, one per set bit of the size. Appending a
/// leaf costs O(1) amortised node hashes and the root O(log n), so checkpoints never rehash the whole log.
/// </summary>
public sealed class MerkleFrontier
{
    private readonly List<byte[]> _subtrees = [];

    public long Size { get; private set; }

    public void Append(byte[] leafHash)
    {
        var node = leafHash;
        for (var size = Size; (size & 1) == 1; size >>= 1)
        {
            var left = _subtrees[^1];
            _subtrees.RemoveAt(_subtrees.Count - 1);
            node = MerkleTree.NodeHash(left, node);
        }

        _subtrees.Add(node);
        Size++;
    }

    public byte[] Root()
    {
        if (_subtrees.Count == 0)
        {
            return MerkleTree.EmptyRoot();
        }

        var root = _subtrees[^1];
        for (var i = _subtrees.Count - 2; i >= 0; i--)
        {
            root = MerkleTree.NodeHash(_subtrees[i], root);
        }

        return root;
    }
}
