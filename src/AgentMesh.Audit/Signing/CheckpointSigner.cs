using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace AgentMesh.Audit;

/// <summary>Signs checkpoints with an Ed25519 key (RFC 8032) given as its 32-byte private seed.</summary>
public sealed class CheckpointSigner
{
    public const int SeedSize = 32;

    private readonly Ed25519PrivateKeyParameters _privateKey;

    public CheckpointSigner(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"An Ed25519 private key is {SeedSize} bytes; this one is {seed.Length}.", nameof(seed));
        }

        _privateKey = new Ed25519PrivateKeyParameters(seed.ToArray());
        PublicKey = _privateKey.GeneratePublicKey().GetEncoded();
        KeyId = KeyIdOf(PublicKey);
    }

    public byte[] PublicKey { get; }

    /// <summary>The first 8 bytes of SHA-256 of the public key, in lowercase hex.</summary>
    public string KeyId { get; }

    public static string KeyIdOf(ReadOnlySpan<byte> publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey)[..8]);

    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, _privateKey);
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    public AuditCheckpoint Checkpoint(string chain, long treeSize, DateTimeOffset time, byte[] rootHash, byte[] headHash)
    {
        var signature = Sign(AuditCheckpoint.SignedBytes(chain, treeSize, time, rootHash, headHash, KeyId));
        return new AuditCheckpoint(chain, treeSize, time, rootHash, headHash, KeyId, signature);
    }

    /// <summary>True when <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Ed25519PublicKeyParameters.KeySize || signature.Length != Ed25519.SignatureSize)
        {
            return false;
        }

        try
        {
            var verifier = new Ed25519Signer();
            verifier.Init(forSigning: false, new Ed25519PublicKeyParameters(publicKey));
            verifier.BlockUpdate(message);
            return verifier.VerifySignature(signature.ToArray());
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static bool Verify(ReadOnlySpan<byte> publicKey, AuditCheckpoint checkpoint) =>
        string.Equals(checkpoint.KeyId, KeyIdOf(publicKey), StringComparison.Ordinal)
        && Verify(publicKey, checkpoint.SignedBytes(), checkpoint.Signature);

    private static class Ed25519
    {
        public const int SignatureSize = 64;
    }
}
