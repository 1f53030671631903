namespace AgentMesh.Audit.Tests;

public class CheckpointSignerTests
{
    [Fact]
    public void Sign_Rfc8032Test1_ProducesPublishedKeyAndSignature()
    {
        var signer = new CheckpointSigner(Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));

        var signature = signer.Sign([]);

        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", Convert.ToHexStringLower(signer.PublicKey));
        Assert.Equal(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            Convert.ToHexStringLower(signature));
    }

    [Fact]
    public void Verify_CheckpointChanged_IsFalse()
    {
        var signer = new CheckpointSigner(new byte[32]);
        var checkpoint = signer.Checkpoint("node-a", 5, DateTimeOffset.UnixEpoch, new byte[32], new byte[32]);

        Assert.True(CheckpointSigner.Verify(signer.PublicKey, checkpoint));
        Assert.False(CheckpointSigner.Verify(signer.PublicKey, checkpoint with { TreeSize = 6 }));
        Assert.False(CheckpointSigner.Verify(signer.PublicKey, checkpoint with { RootHash = Enumerable.Repeat((byte)1, 32).ToArray() }));
        Assert.False(CheckpointSigner.Verify(new CheckpointSigner(Enumerable.Repeat((byte)9, 32).ToArray()).PublicKey, checkpoint));
    }

    [Fact]
    public void LoadOrCreate_NewFile_CreatesOwnerOnlyKeyAndReloadsSameKey()
    {
        var folder = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, SigningKeyFile.DefaultName);
        try
        {
            var created = SigningKeyFile.LoadOrCreate(path);
            var loaded = SigningKeyFile.LoadOrCreate(path);

            Assert.Equal(created.PublicKey, loaded.PublicKey);
            Assert.Equal(created.PublicKey, SigningKeyFile.ReadPublicKey(path));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
