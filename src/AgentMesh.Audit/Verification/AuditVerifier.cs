namespace AgentMesh.Audit;

/// <summary>Verifies a chain held by an <see cref="IAuditStore"/> over a range of sequence numbers.</summary>
public static class AuditVerifier
{
    private const int BatchSize = 4096;

    /// <param name="store">Where the chain is.</param>
    /// <param name="chain">The chain.</param>
    /// <param name="from">First sequence number (1 for the whole chain).</param>
    /// <param name="to">Last sequence number; null for the chain's last entry.</param>
    /// <param name="publicKey">The Ed25519 key checkpoints must carry; null skips signature checks (not recommended).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<AuditVerification> VerifyAsync(IAuditStore store, string chain, long from, long? to, byte[]? publicKey, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1);
        var checkpoints = await store.ReadCheckpointsAsync(chain, cancellationToken);
        var last = (await store.ReadLastAsync(chain, cancellationToken))?.Sequence ?? 0;
        var end = to ?? Math.Max(last, checkpoints.Count > 0 ? checkpoints[^1].TreeSize : 0);
        var preceding = from > 1 ? await store.ReadHashesAsync(chain, from - 1, cancellationToken) : [];
        var verifier = new ChainVerifier(chain, from, preceding, checkpoints.Where(c => c.TreeSize <= end), publicKey);
        if (verifier.BrokenAt is null)
        {
            // Entries are checked in runs, so that their hashes are computed on every core.
            var batch = new List<AuditEntry>(BatchSize);
            var intact = true;
            await foreach (var entry in store.ReadAsync(chain, from, end, cancellationToken))
            {
                batch.Add(entry);
                if (batch.Count == BatchSize)
                {
                    intact = verifier.Accept(batch);
                    batch.Clear();
                    if (!intact)
                    {
                        break;
                    }
                }
            }

            if (intact && batch.Count > 0)
            {
                verifier.Accept(batch);
            }

            verifier.Finish(end);
        }

        if (verifier.UnmatchedLink is { } link && verifier.BrokenAt is { } broken)
        {
            var hashes = await store.ReadHashesAsync(chain, long.MaxValue, cancellationToken);
            for (var i = 0; i < hashes.Count; i++)
            {
                if (hashes[i].AsSpan().SequenceEqual(link))
                {
                    verifier.LinkFoundElsewhere(broken + 1, i + 1);
                    break;
                }
            }
        }

        return new AuditVerification(chain, from, end, verifier.EntriesChecked, verifier.CheckpointsChecked, verifier.BrokenAt, verifier.Cause, verifier.Detail);
    }
}
