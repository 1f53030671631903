namespace AgentMesh.Audit;

/// <summary>
/// Inclusion proofs for many leaves of one tree: subtree hashes are computed once and reused, so proving every leaf
/// of an n-leaf tree costs O(n) hashes in all and each proof holds O(log n) hashes.
/// </summary>
public sealed class MerkleProver(IReadOnlyList<byte[]> leafHashes)
{
    private readonly Dictionary<(int Start, int Count), byte[]> _subtrees = [];

    public long Size => leafHashes.Count;

    public byte[] Root() => leafHashes.Count == 0 ? MerkleTree.EmptyRoot() : Subtree(0, leafHashes.Count);

    /// <summary>PATH(index, D[Size]) of RFC 9162 §2.1.3.1.</summary>
    public IReadOnlyList<byte[]> InclusionProof(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Size);
        var proof = new List<byte[]>();
        Path((int)index, 0, leafHashes.Count, proof);
        return proof;
    }

    private void Path(int m, int start, int count, List<byte[]> proof)
    {
        if (count == 1)
        {
            return;
        }

        var k = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)count) >> 1;
        if (m < k)
        {
            Path(m, start, k, proof);
            proof.Add(Subtree(start + k, count - k));
        }
        else
        {
            Path(m - k, start + k, count - k, proof);
            proof.Add(Subtree(start, k));
        }
    }

    private byte[] Subtree(int start, int count)
    {
        if (count == 1)
        {
            return leafHashes[start];
        }

        if (_subtrees.TryGetValue((start, count), out var hash))
        {
            return hash;
        }

        var k = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)count) >> 1;
        hash = MerkleTree.NodeHash(Subtree(start, k), Subtree(start + k, count - k));
        _subtrees[(start, count)] = hash;
        return hash;
    }
}
