using System.Text.Json;

namespace AgentMesh.Audit;

/// <summary>The result of checking an export offline.</summary>
public sealed record ExportVerification(long EntriesChecked, long ProofsChecked, int CheckpointsChecked, string KeyId, string? BrokenChain, long? BrokenAt, AuditBreak Cause, string? Detail)
{
    public bool Intact => BrokenAt is null;
}

/// <summary>
/// Checks an export without the node: every checkpoint's signature, every entry's hash from its fields, every
/// inclusion proof against its checkpoint's signed root, and — for an unfiltered export — that each chain is
/// complete and linked.
/// </summary>
public static class ExportVerifier
{
    /// <param name="lines">The export, one JSON document per line.</param>
    /// <param name="trustedPublicKey">The key the auditor trusts; null trusts the key in the export header (weaker: say so).</param>
    public static ExportVerification Verify(IEnumerable<string> lines, byte[]? trustedPublicKey)
    {
        byte[]? publicKey = trustedPublicKey;
        var filtered = true;
        var checkpoints = new Dictionary<string, AuditCheckpoint>(StringComparer.Ordinal);
        var last = new Dictionary<string, AuditEntry>(StringComparer.Ordinal);
        var hasher = new ChainHasher();
        long entries = 0, proofs = 0;
        var lineNumber = 0;
        ExportVerification Broken(string? chain, long sequence, AuditBreak cause, string detail) =>
            new(entries, proofs, checkpoints.Count, publicKey is null ? "" : CheckpointSigner.KeyIdOf(publicKey), chain, sequence, cause, detail);

        foreach (var line in lines)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "header":
                    publicKey ??= Convert.FromBase64String(root.GetProperty("publicKey").GetString()!);
                    filtered = root.GetProperty("filtered").GetBoolean();
                    break;
                case "checkpoint":
                    var checkpoint = AuditJson.ReadCheckpoint(root.GetProperty("checkpoint"));
                    if (publicKey is null || !CheckpointSigner.Verify(publicKey, checkpoint))
                    {
                        return Broken(checkpoint.Chain, checkpoint.TreeSize, AuditBreak.CheckpointSignatureInvalid, $"The checkpoint of chain '{checkpoint.Chain}' at tree size {checkpoint.TreeSize} is not signed by the trusted key.");
                    }

                    checkpoints[checkpoint.Chain] = checkpoint;
                    break;
                case "entry":
                    var entry = AuditJson.ReadEntry(root.GetProperty("entry"), out var proof);
                    if (!hasher.Hash(entry.PreviousHash, entry.Chain, entry.Sequence, entry.Event).AsSpan().SequenceEqual(entry.Hash))
                    {
                        return Broken(entry.Chain, entry.Sequence, AuditBreak.ContentChanged, $"The fields of entry {entry.Sequence} no longer produce its hash.");
                    }

                    if (last.TryGetValue(entry.Chain, out var previous) || !filtered)
                    {
                        var expected = previous?.Sequence + 1 ?? 1;
                        if (entry.Sequence < expected || (!filtered && entry.Sequence > expected))
                        {
                            return Broken(entry.Chain, expected, entry.Sequence > expected ? AuditBreak.EntryMissing : AuditBreak.OrderChanged, $"Entry {entry.Sequence} follows entry {expected - 1}.");
                        }

                        var linked = previous is null ? ChainHasher.Genesis : previous.Hash;
                        if (entry.Sequence == expected && !entry.PreviousHash.AsSpan().SequenceEqual(linked))
                        {
                            return Broken(entry.Chain, entry.Sequence - 1, AuditBreak.ContentChanged, $"Entry {entry.Sequence} records a different hash for entry {entry.Sequence - 1}.");
                        }
                    }

                    last[entry.Chain] = entry;
                    if (proof is not null)
                    {
                        if (!checkpoints.TryGetValue(entry.Chain, out var signed) || signed.TreeSize != proof.TreeSize || proof.LeafIndex != entry.Sequence - 1
                            || !MerkleTree.VerifyInclusion(MerkleTree.LeafHash(entry.Hash), proof.LeafIndex, proof.TreeSize, proof.Path, signed.RootHash))
                        {
                            return Broken(entry.Chain, entry.Sequence, AuditBreak.CheckpointMismatch, $"Entry {entry.Sequence} is not in the signed tree of size {proof.TreeSize}.");
                        }

                        proofs++;
                    }

                    entries++;
                    break;
                default:
                    throw new FormatException($"Line {lineNumber} has an unknown type.");
            }
        }

        if (!filtered)
        {
            foreach (var (chain, signed) in checkpoints)
            {
                var end = last.TryGetValue(chain, out var tail) ? tail.Sequence : 0;
                if (end < signed.TreeSize)
                {
                    return Broken(chain, end + 1, AuditBreak.EntryMissing, $"The checkpoint at tree size {signed.TreeSize} covers entries up to {signed.TreeSize}; the export ends at {end}.");
                }
            }
        }

        return new ExportVerification(entries, proofs, checkpoints.Count, publicKey is null ? "" : CheckpointSigner.KeyIdOf(publicKey), null, null, AuditBreak.None, null);
    }
}
