using System.Security.Cryptography;

namespace AgentMesh.Audit.Tests;

public class Sha256DigestTests
{
    [Fact]
    public void Hash_EveryLengthUpToSixBlocks_MatchesDotNet()
    {
        var data = Enumerable.Range(0, 400).Select(static i => (byte)(i * 31)).ToArray();
        var actual = new byte[Sha256Digest.Size];

        for (var length = 0; length <= data.Length; length++)
        {
            Sha256Digest.Hash(data.AsSpan(0, length), actual);

            Assert.Equal(SHA256.HashData(data.AsSpan(0, length)), actual);
        }
    }

    [Fact]
    public void Hash_LongInput_MatchesDotNet()
    {
        var data = Enumerable.Range(0, 100_000).Select(static i => (byte)i).ToArray();
        var actual = new byte[Sha256Digest.Size];

        Sha256Digest.Hash(data, actual);

        Assert.Equal(SHA256.HashData(data), actual);
    }

    [Fact]
    public void IsDirect_OnLinuxWithOpenSsl_IsTrue()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The direct calls are made on Linux only.");

        Assert.True(Sha256Digest.IsDirect);
    }
}
