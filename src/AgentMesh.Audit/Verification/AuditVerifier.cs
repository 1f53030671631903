using System.Threading.Channels;

namespace AgentMesh.Audit;

/// <summary>Verifies a chain held by an <see cref="IAuditStore"/> over a range of sequence numbers.</summary>
public static class AuditVerifier
{
    /// <summary>Runs a reader may have read and hashed ahead of the one being checked: readers keep working while runs are checked, and memory stays bounded.</summary>
    private const int RunsAhead = 2;

    /// <summary>Stores read in parallel over disjoint spans, each reader hashing what it read: reading rows is the longest part of verification.</summary>
    private static readonly int Readers = Math.Clamp(Environment.ProcessorCount, 2, 4);

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
            // No row lies beyond the last one: a range that ends further is read up to it, not span by empty span.
            await VerifyRunsAsync(store, verifier, chain, from, Math.Min(end, last), cancellationToken);
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
        // Reader k reads spans k, k + readers, …: each span is one run, so readers work side by side while runs are checked in order.
        var spans = Spans(from, end);
        var readers = (int)Math.Min(Readers, spans.Length);
        if (readers == 0)
        {
            return;
        }

        var queues = new Channel<EncodedRun?>[readers];
        var reading = new Task[readers];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        for (var k = 0; k < readers; k++)
        {
            // Bounded: a reader waits while RunsAhead runs and span ends are queued.
            var queue = queues[k] = Channel.CreateBounded<EncodedRun?>(new BoundedChannelOptions(RunsAhead) { SingleReader = true, SingleWriter = true });
            var first = k;
            reading[k] = Task.Run(() => ReadSpansAsync(store, verifier, chain, spans, first, readers, queue.Writer, stop.Token), CancellationToken.None);
        }

        try
        {
            var intact = true;
            for (var span = 0; intact && span < spans.Length; span++)
            {
                // A null marks the end of the span's runs: a span may hold none (entries missing) or several (rows a store could not encode as one run).
                var queue = queues[span % readers].Reader;
                while (await NextAsync(queue, cancellationToken) is { } run)
                {
                    using (run)
                    {
                        if (intact && !verifier.Accept(run))
                        {
                            intact = false;
                        }
                    }
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(reading);
            foreach (var queue in queues)
            {
                while (queue.Reader.TryRead(out var left))
                {
                    left?.Dispose();
                }
            }
        }
    }

    /// <summary>The next run of a span; null at its end. A reader's failure is thrown as it was raised.</summary>
    private static async ValueTask<EncodedRun?> NextAsync(ChannelReader<EncodedRun?> queue, CancellationToken cancellationToken)
    {
        EncodedRun? run;
        while (!queue.TryRead(out run))
        {
            if (!await queue.WaitToReadAsync(cancellationToken))
            {
                return null;
            }
        }

        return run;
    }

    /// <summary>[from, end] cut at multiples of <see cref="EncodedRun.Capacity"/>, where runs end.</summary>
    private static (long From, long To)[] Spans(long from, long end)
    {
        var spans = new List<(long, long)>();
        for (var start = from; start <= end;)
        {
            var stop = Math.Min(end, ((start + EncodedRun.Capacity - 1) / EncodedRun.Capacity) * EncodedRun.Capacity);
            spans.Add((start, stop));
            start = stop + 1;
        }

        return [.. spans];
    }

    /// <summary>Reads every <paramref name="step"/>-th span from <paramref name="first"/> and prepares its runs (hashes, signatures) on this thread.</summary>
    private static async Task ReadSpansAsync(IAuditStore store, ChainVerifier verifier, string chain, (long From, long To)[] spans, int first, int step, ChannelWriter<EncodedRun?> runs, CancellationToken cancellationToken)
    {
        try
        {
            for (var span = first; span < spans.Length; span += step)
            {
                await foreach (var run in store.ReadEncodedAsync(chain, spans[span].From, spans[span].To, cancellationToken))
                {
                    try
                    {
                        verifier.Prepare(run);
                        await runs.WriteAsync(run, cancellationToken);
                    }
                    catch
                    {
                        run.Dispose();
                        throw;
                    }
                }

                await runs.WriteAsync(null, cancellationToken);
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
