using System.Threading.Channels;

namespace AgentMesh.Audit;

/// <summary>Verifies a chain held by an <see cref="IAuditStore"/> over a range of sequence numbers.</summary>
public static class AuditVerifier
{
    /// <summary>Runs read ahead of the one being verified: reading rows and hashing overlap, and memory stays bounded.</summary>
    private const int RunsAhead = 2;

    /// <param name="store">Where the chain is.</param>
    /// <param name="chain">The chain.</param>
    /// <param name="from">First sequence number (1 for the whole chain).</param>
    /// <param name="to">Last sequence number; null for the chain's last entry.</param>
    /// <param name="publicKey">The Ed25519 key checkpoints must carry; null skips signature checks (not recommended).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<AuditVerification> VerifyAsync(IAuditStore store, string chain, long from, long? to, byte[]? publicKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1);
        var checkpoints = await store.ReadCheckpointsAsync(chain, cancellationToken);
        var last = (await store.ReadLastAsync(chain, cancellationToken))?.Sequence ?? 0;
        var end = to ?? Math.Max(last, checkpoints.Count > 0 ? checkpoints[^1].TreeSize : 0);
        var preceding = from > 1 ? await store.ReadHashesAsync(chain, from - 1, cancellationToken) : [];
        var verifier = new ChainVerifier(chain, from, preceding, checkpoints.Where(c => c.TreeSize <= end), publicKey);
        if (verifier.BrokenAt is null)
        {
            await VerifyRunsAsync(store, verifier, chain, from, end, cancellationToken);
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

    private static async Task VerifyRunsAsync(IAuditStore store, ChainVerifier verifier, string chain, long from, long end, CancellationToken cancellationToken)
    {
        // Bounded: the reader waits while RunsAhead runs are queued.
        var runs = Channel.CreateBounded<EncodedRun>(new BoundedChannelOptions(RunsAhead) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(() => ReadRunsAsync(store, chain, from, end, runs.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var run in runs.Reader.ReadAllAsync(cancellationToken))
            {
                using (run)
                {
                    if (!verifier.Accept(run))
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await reading;
            while (runs.Reader.TryRead(out var left))
            {
                left.Dispose();
            }
        }
    }

    private static async Task ReadRunsAsync(IAuditStore store, string chain, long from, long end, ChannelWriter<EncodedRun> runs, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var run in store.ReadEncodedAsync(chain, from, end, cancellationToken))
            {
                try
                {
                    await runs.WriteAsync(run, cancellationToken);
                }
                catch
                {
                    run.Dispose();
                    throw;
                }
            }

            runs.TryComplete();
        }
        catch (Exception exception)
        {
            // The verifying side sees the failure when it reads the channel; after it stopped, nobody waits for more runs.
            runs.TryComplete(exception);
        }
    }
}
