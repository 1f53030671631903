using System.Buffers;

namespace AgentMesh.Audit;

/// <summary>
/// A signed statement about a chain: its first <see cref="TreeSize"/> entries have the RFC 9162 Merkle root
/// <see cref="RootHash"/> (leaves are the entries' chain hashes) and the last of them has chain hash
/// <see cref="HeadHash"/>. <see cref="Signature"/> is Ed25519 over <see cref="SignedBytes()"/>.
/// </summary>
public sealed record AuditCheckpoint(string Chain, long TreeSize, DateTimeOffset Time, byte[] RootHash, byte[] HeadHash, string KeyId, byte[] Signature)
{
    /// <summary>Version byte 1, the ASCII tag <c>agentmesh-audit-checkpoint</c>, then chain, tree size, time, root, head and key id encoded as in <see cref="AuditEncoding"/>.</summary>
    public byte[] SignedBytes() => SignedBytes(Chain, TreeSize, Time, RootHash, HeadHash, KeyId);

    public static byte[] SignedBytes(string chain, long treeSize, DateTimeOffset time, byte[] rootHash, byte[] headHash, string keyId)
    {
        var output = new ArrayBufferWriter<byte>(160);
        AuditEncoding.WriteByte(output, AuditEncoding.Version);
        AuditEncoding.WriteString(output, "agentmesh-audit-checkpoint");
        AuditEncoding.WriteString(output, chain);
        AuditEncoding.WriteInt64(output, treeSize);
        AuditEncoding.WriteInt64(output, AuditEncoding.ToMicroseconds(time));
        AuditEncoding.WriteBytes(output, rootHash);
        AuditEncoding.WriteBytes(output, headHash);
        AuditEncoding.WriteString(output, keyId);
        return output.WrittenSpan.ToArray();
    }
}
