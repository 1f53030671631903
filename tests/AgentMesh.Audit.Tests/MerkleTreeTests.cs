namespace AgentMesh.Audit.Tests;

/// <summary>The Certificate Transparency reference vectors for RFC 6962 / RFC 9162 trees.</summary>
public class MerkleTreeTests
{
    private static readonly byte[][] Leaves =
    [
        .. new[] { "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f" }
            .Select(static hex => MerkleTree.LeafHash(Convert.FromHexString(hex))),
    ];

    private static readonly string[] Roots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    public static TheoryData<int, int, string[]> InclusionVectors { get; } = new()
    {
        { 0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
    };

    public static TheoryData<int, int, string[]> ConsistencyVectors { get; } = new()
    {
        { 2, 8, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
    };

    [Fact]
    public void Root_ReferenceLeaves_MatchesPublishedRootForEverySize()
    {
        for (var size = 0; size <= Leaves.Length; size++)
        {
            Assert.Equal(Roots[size], Convert.ToHexStringLower(MerkleTree.Root(Leaves[..size])));
        }
    }

    [Fact]
    public void Frontier_ReferenceLeaves_MatchesPublishedRootForEverySize()
    {
        var frontier = new MerkleFrontier();
        Assert.Equal(Roots[0], Convert.ToHexStringLower(frontier.Root()));
        for (var size = 1; size <= Leaves.Length; size++)
        {
            frontier.Append(Leaves[size - 1]);
            Assert.Equal(Roots[size], Convert.ToHexStringLower(frontier.Root()));
        }
    }

    [Theory]
    [MemberData(nameof(InclusionVectors))]
    public void InclusionProof_ReferenceVector_IsPublishedPathAndVerifies(int index, int size, string[] path)
    {
        var proof = MerkleTree.InclusionProof(Leaves, index, size);

        Assert.Equal(path, proof.Select(Convert.ToHexStringLower));
        Assert.True(MerkleTree.VerifyInclusion(Leaves[index], index, size, proof, Convert.FromHexString(Roots[size])));
    }

    [Theory]
    [MemberData(nameof(ConsistencyVectors))]
    public void ConsistencyProof_ReferenceVector_IsPublishedProofAndVerifies(int first, int second, string[] path)
    {
        var proof = MerkleTree.ConsistencyProof(Leaves, first, second);

        Assert.Equal(path, proof.Select(Convert.ToHexStringLower));
        Assert.True(MerkleTree.VerifyConsistency(first, second, Convert.FromHexString(Roots[first]), Convert.FromHexString(Roots[second]), proof));
    }

    [Fact]
    public void Proofs_EveryLeafAndSizeUpTo40_VerifyAndRejectTampering()
    {
        var leaves = Enumerable.Range(0, 40).Select(static i => MerkleTree.LeafHash([(byte)i, (byte)(i * 7)])).ToArray();
        for (var size = 1; size <= leaves.Length; size++)
        {
            var root = MerkleTree.Root(leaves[..size]);
            for (var index = 0; index < size; index++)
            {
                var proof = MerkleTree.InclusionProof(leaves, index, size);
                Assert.True(MerkleTree.VerifyInclusion(leaves[index], index, size, proof, root));
                Assert.False(MerkleTree.VerifyInclusion(leaves[(index + 1) % leaves.Length], index, size, proof, root));
                if (proof.Count > 0)
                {
                    Assert.False(MerkleTree.VerifyInclusion(leaves[index], index, size, proof.Take(proof.Count - 1).ToArray(), root));
                }
            }

            for (var first = 1; first < size; first++)
            {
                var proof = MerkleTree.ConsistencyProof(leaves, first, size);
                var firstRoot = MerkleTree.Root(leaves[..first]);
                Assert.True(MerkleTree.VerifyConsistency(first, size, firstRoot, root, proof));
                Assert.False(MerkleTree.VerifyConsistency(first, size, root, root, proof));
                var flipped = proof.Select(static p => (byte[])p.Clone()).ToArray();
                flipped[0][3] ^= 0x80;
                Assert.False(MerkleTree.VerifyConsistency(first, size, firstRoot, root, flipped));
            }
        }
    }

    [Fact]
    public void InclusionProof_LargeTree_HasLogarithmicLength()
    {
        var leaves = Enumerable.Range(0, 1000).Select(static i => MerkleTree.LeafHash(BitConverter.GetBytes(i))).ToArray();

        var proof = MerkleTree.InclusionProof(leaves, 617, 1000);

        Assert.Equal(10, proof.Count);
        Assert.True(MerkleTree.VerifyInclusion(leaves[617], 617, 1000, proof, MerkleTree.Root(leaves)));
    }
}

public class MerkleProverTests
{
    [Fact]
    public void InclusionProof_EveryLeaf_EqualsTheRfcPathAndRoot()
    {
        var leaves = Enumerable.Range(0, 77).Select(static i => MerkleTree.LeafHash(BitConverter.GetBytes(i))).ToArray();
        var prover = new MerkleProver(leaves);

        Assert.Equal(MerkleTree.Root(leaves), prover.Root());
        for (var i = 0; i < leaves.Length; i++)
        {
            Assert.Equal(MerkleTree.InclusionProof(leaves, i, leaves.Length), prover.InclusionProof(i));
        }
    }
}
