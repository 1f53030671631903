using System.Numerics;
using System.Security.Cryptography;

namespace AgentMesh.Audit;

/// <summary>
/// Merkle tree hashing, inclusion and consistency proofs as defined by RFC 9162 §2.1 (the same tree as RFC 6962):
/// leaves are hashed <c>SHA-256(0x00 ‖ data)</c>, interior nodes <c>SHA-256(0x01 ‖ left ‖ right)</c>, a tree of n
/// leaves splits at the largest power of two below n. Leaf indexes are 0-based, as in the RFC.
/// </summary>
public static class MerkleTree
{
    public const int HashSize = 32;

    /// <summary>The root of the empty tree: SHA-256 of nothing.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData([]);

    /// <summary>The leaf hash of a chain hash (32 bytes) into <paramref name="destination"/>, without allocating.</summary>
    public static void LeafHash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[1 + HashSize];
        if (data.Length != HashSize)
        {
            LeafHash(data).CopyTo(destination);
            return;
        }

        input[0] = 0;
        data.CopyTo(input[1..]);
        Sha256Digest.Hash(input, destination);
    }

    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        Span<byte> input = data.Length <= 256 ? stackalloc byte[data.Length + 1] : new byte[data.Length + 1];
        input[0] = 0;
        data.CopyTo(input[1..]);
        var hash = new byte[HashSize];
        Sha256Digest.Hash(input, hash);
        return hash;
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        NodeHash(left, right, hash);
        return hash;
    }

    public static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[1 + (2 * HashSize)];
        input[0] = 1;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + HashSize)..]);
        Sha256Digest.Hash(input, destination);
    }

    /// <summary>MTH over leaf hashes.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes) => leafHashes.Count == 0 ? EmptyRoot() : Subtree(leafHashes, 0, leafHashes.Count);

    /// <summary>PATH(index, D[size]) of RFC 9162 §2.1.3.1: O(log n) hashes, computed from the first <paramref name="size"/> leaf hashes.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(IReadOnlyList<byte[]> leafHashes, long index, long size)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, leafHashes.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var proof = new List<byte[]>();
        Path((int)index, leafHashes, 0, (int)size, proof);
        return proof;
    }

    /// <summary>PROOF(first, D[second]) of RFC 9162 §2.1.4.1.</summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leafHashes, long first, long second)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(second, leafHashes.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, second);
        var proof = new List<byte[]>();
        if (first > 0 && first < second)
        {
            SubProof((int)first, leafHashes, 0, (int)second, complete: true, proof);
        }

        return proof;
    }

    /// <summary>The verification algorithm of RFC 9162 §2.1.3.2.</summary>
    public static bool VerifyInclusion(ReadOnlySpan<byte> leafHash, long index, long size, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (index < 0 || index >= size || leafHash.Length != HashSize || root.Length != HashSize)
        {
            return false;
        }

        var fn = index;
        var sn = size - 1;
        Span<byte> r = stackalloc byte[HashSize];
        leafHash.CopyTo(r);
        foreach (var p in proof)
        {
            if (sn == 0 || p.Length != HashSize)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(p, r, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                NodeHash(r, p, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.SequenceEqual(root);
    }

    /// <summary>The verification algorithm of RFC 9162 §2.1.4.2; equal sizes need an empty proof and equal roots.</summary>
    public static bool VerifyConsistency(long first, long second, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> proof)
    {
        if (first < 0 || first > second || firstRoot.Length != HashSize || secondRoot.Length != HashSize)
        {
            return false;
        }

        if (first == second)
        {
            return proof.Count == 0 && firstRoot.SequenceEqual(secondRoot);
        }

        if (first == 0)
        {
            return proof.Count == 0 && firstRoot.SequenceEqual(EmptyRoot());
        }

        if (proof.Count == 0 || proof.Any(static p => p.Length != HashSize))
        {
            return false;
        }

        var path = BitOperations.IsPow2(first) ? [firstRoot.ToArray(), .. proof] : proof;
        var fn = first - 1;
        var sn = second - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        Span<byte> fr = stackalloc byte[HashSize];
        Span<byte> sr = stackalloc byte[HashSize];
        path[0].CopyTo(fr);
        path[0].CopyTo(sr);
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(c, fr, fr);
                NodeHash(c, sr, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                NodeHash(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.SequenceEqual(firstRoot) && sr.SequenceEqual(secondRoot);
    }

    private static int Split(int n) => (int)BitOperations.RoundUpToPowerOf2((uint)n) >> 1;

    private static byte[] Subtree(IReadOnlyList<byte[]> leaves, int start, int count)
    {
        if (count == 1)
        {
            return leaves[start];
        }

        var k = Split(count);
        return NodeHash(Subtree(leaves, start, k), Subtree(leaves, start + k, count - k));
    }

    private static void Path(int m, IReadOnlyList<byte[]> leaves, int start, int count, List<byte[]> proof)
    {
        if (count == 1)
        {
            return;
        }

        var k = Split(count);
        if (m < k)
        {
            Path(m, leaves, start, k, proof);
            proof.Add(Subtree(leaves, start + k, count - k));
        }
        else
        {
            Path(m - k, leaves, start + k, count - k, proof);
            proof.Add(Subtree(leaves, start, k));
        }
    }

    private static void SubProof(int m, IReadOnlyList<byte[]> leaves, int start, int count, bool complete, List<byte[]> proof)
    {
        if (m == count)
        {
            if (!complete)
            {
                proof.Add(Subtree(leaves, start, count));
            }

            return;
        }

        var k = Split(count);
        if (m <= k)
        {
            SubProof(m, leaves, start, k, complete, proof);
            proof.Add(Subtree(leaves, start + k, count - k));
        }
        else
        {
            SubProof(m - k, leaves, start + k, count - k, complete: false, proof);
            proof.Add(Subtree(leaves, start, k));
        }
    }
}
