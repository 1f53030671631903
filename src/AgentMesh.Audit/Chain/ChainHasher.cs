using System.Buffers;

namespace AgentMesh.Audit;

/// <summary>
/// Computes chain hashes: <c>SHA-256(previous hash ‖ canonical entry)</c>. Reuses one buffer, so an instance serves one
/// thread (the chain's writer, or one verification run).
/// </summary>
public sealed class ChainHasher
{
    public const int HashSize = 32;

    private readonly ArrayBufferWriter<byte> _buffer = new(512);

    /// <summary>The previous hash of the first entry of every chain: 32 zero bytes.</summary>
    public static ReadOnlySpan<byte> Genesis => new byte[HashSize];

    public byte[] Hash(ReadOnlySpan<byte> previousHash, string chain, long sequence, AuditEvent e)
    {
        var hash = new byte[HashSize];
        Hash(previousHash, chain, sequence, e, hash);
        return hash;
    }

    public void Hash(ReadOnlySpan<byte> previousHash, string chain, long sequence, AuditEvent e, Span<byte> destination)
    {
        _buffer.ResetWrittenCount();
        AuditEncoding.WriteBytes(_buffer, previousHash);
        AuditEncoding.Write(_buffer, chain, sequence, e);
        Sha256Digest.Hash(_buffer.WrittenSpan, destination);
    }
}
