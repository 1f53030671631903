using System.Text.Json;

namespace AgentMesh.Audit;

/// <summary>
/// Writes entries as JSON lines that can be verified offline: a header with the signing key, the latest checkpoint of
/// every chain, then each entry that checkpoint covers with its RFC 9162 inclusion proof in that checkpoint's tree.
/// </summary>
public static class AuditExporter
{
    public const string Format = "agentmesh-audit-export/1";

    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    public static async Task<long> WriteAsync(IAuditStore store, AuditQuery filter, byte[] publicKey, bool filtered, Stream output, CancellationToken cancellationToken)
    {
        var checkpoints = new Dictionary<string, AuditCheckpoint>(StringComparer.Ordinal);
        foreach (var chain in await store.ReadChainsAsync(cancellationToken))
        {
            var list = await store.ReadCheckpointsAsync(chain, cancellationToken);
            if (list.Count > 0)
            {
                checkpoints[chain] = list[^1];
            }
        }

        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("type", "header");
        json.WriteString("format", Format);
        json.WriteString("algorithm", "ed25519");
        json.WriteString("keyId", CheckpointSigner.KeyIdOf(publicKey));
        json.WriteString("publicKey", Convert.ToBase64String(publicKey));
        json.WriteBoolean("filtered", filtered);
        json.WriteEndObject();
        await NewLineAsync(json, output, cancellationToken);
        foreach (var checkpoint in checkpoints.Values)
        {
            json.WriteStartObject();
            json.WriteString("type", "checkpoint");
            json.WritePropertyName("checkpoint");
            AuditJson.WriteCheckpoint(json, checkpoint);
            json.WriteEndObject();
            await NewLineAsync(json, output, cancellationToken);
        }

        var provers = new Dictionary<string, MerkleProver>(StringComparer.Ordinal);
        var written = 0L;
        AuditCursor? after = null;
        do
        {
            var page = await store.QueryAsync(filter with { Limit = 1000, After = after }, cancellationToken);
            foreach (var entry in page.Entries)
            {
                // The export is what the checkpoints sign: entries appended since are left for the next export.
                if (!checkpoints.TryGetValue(entry.Chain, out var checkpoint) || entry.Sequence > checkpoint.TreeSize)
                {
                    continue;
                }

                if (!provers.TryGetValue(entry.Chain, out var prover))
                {
                    var hashes = await store.ReadHashesAsync(entry.Chain, checkpoint.TreeSize, cancellationToken);
                    provers[entry.Chain] = prover = new MerkleProver([.. hashes.Select(static h => MerkleTree.LeafHash(h))]);
                }

                var proof = entry.Sequence <= prover.Size ? new AuditProof(checkpoint.TreeSize, entry.Sequence - 1, prover.InclusionProof(entry.Sequence - 1)) : null;

                json.WriteStartObject();
                json.WriteString("type", "entry");
                json.WritePropertyName("entry");
                AuditJson.WriteEntry(json, entry, proof);
                json.WriteEndObject();
                await NewLineAsync(json, output, cancellationToken);
                written++;
            }

            after = page.NextCursor is not null && AuditCursor.TryParse(page.NextCursor, out var next) ? next : null;
        }
        while (after is not null);

        return written;
    }

    private static async Task NewLineAsync(Utf8JsonWriter json, Stream output, CancellationToken cancellationToken)
    {
        await json.FlushAsync(cancellationToken);
        json.Reset();
        await output.WriteAsync(NewLine, cancellationToken);
    }
}
