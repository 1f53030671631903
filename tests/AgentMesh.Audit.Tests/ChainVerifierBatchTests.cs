namespace AgentMesh.Audit.Tests;

/// <summary>Runs of entries are hashed on every core; what they report must be exactly what entry-by-entry checking reports.</summary>
public class ChainVerifierBatchTests
{
    private const int Count = 3000;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string, int> Runs => new MatrixTheoryData<string, int>(["none", "content", "rehashed", "deleted", "swapped", "checkpoint", "signature", "boundary"], [700, 1024, EncodedRun.Capacity]);

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task Accept_Run_ReportsWhatEntryByEntryReports(string tampering, int runSize)
    {
        var (entries, checkpoints) = await ChainAsync();
        switch (tampering)
        {
            case "content":
                entries[1700] = entries[1700] with { Event = entries[1700].Event with { Tenant = "other" } };
                break;
            case "rehashed":
                var forged = entries[2400].Event with { Reason = "rewritten" };
                entries[2400] = entries[2400] with { Event = forged, Hash = new ChainHasher().Hash(entries[2400].PreviousHash, "node-a", 2401, forged) };
                break;
            case "deleted":
                entries.RemoveAt(900);
                break;
            case "swapped":
                (entries[1200], entries[1201]) = (entries[1201], entries[1200]);
                break;
            case "checkpoint":
                checkpoints[1] = checkpoints[1] with { RootHash = new byte[32] };
                break;
            case "signature":
                var signature = checkpoints[1].Signature.ToArray();
                signature[10] ^= 1;
                checkpoints[1] = checkpoints[1] with { Signature = signature };
                break;
            case "boundary":
                entries[1023] = entries[1023] with { Event = entries[1023].Event with { Tenant = "other" } };
                break;
        }

        var one = Verify(entries, checkpoints, runSize: 1);
        var runs = Verify(entries, checkpoints, runSize);

        Assert.Equal(one.BrokenAt, runs.BrokenAt);
        Assert.Equal(one.Cause, runs.Cause);
        Assert.Equal(one.Detail, runs.Detail);
        Assert.Equal(one.EntriesChecked, runs.EntriesChecked);
        Assert.Equal(one.CheckpointsChecked, runs.CheckpointsChecked);
        Assert.Equal(tampering == "none", runs.BrokenAt is null);
        if (tampering == "none")
        {
            Assert.Equal(Count, runs.EntriesChecked);
            Assert.Equal(3, runs.CheckpointsChecked);
        }
    }

    [Fact]
    public async Task VerifyAsync_LongChainWithOneEntryChanged_NamesIt()
    {
        var store = new InMemoryAuditStore();
        var (entries, checkpoints) = await ChainAsync();
        entries[2000] = entries[2000] with { Event = entries[2000].Event with { Action = "task.cancel" } };
        await store.AppendAsync(entries, null, Cancellation);
        foreach (var checkpoint in checkpoints)
        {
            await store.AppendAsync([], checkpoint, Cancellation);
        }

        var result = await AuditVerifier.VerifyAsync(store, "node-a", 1, null, AuditSamples.PublicKey, Cancellation);

        Assert.Equal(2001, result.BrokenAt);
        Assert.Equal(AuditBreak.ContentChanged, result.Cause);
        Assert.Equal(2000, result.EntriesChecked);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(700)]
    [InlineData(2049)]
    public async Task Accept_FromInsideTheChain_ChecksTheCheckpointsAfterIt(long from)
    {
        var (entries, checkpoints) = await ChainAsync();
        var verifier = new ChainVerifier("node-a", from, [.. entries.Take((int)from - 1).Select(static e => e.Hash)], checkpoints, AuditSamples.PublicKey);
        for (var start = (int)from - 1; start < entries.Count; start += 1500)
        {
            using var run = new EncodedRun("node-a");
            foreach (var entry in entries.Skip(start).Take(1500))
            {
                run.Add(entry);
            }

            Assert.True(verifier.Accept(run), verifier.Detail);
        }

        verifier.Finish(Count);

        Assert.Null(verifier.BrokenAt);
        Assert.Equal(Count - from + 1, verifier.EntriesChecked);
        Assert.Equal(checkpoints.Count(c => c.TreeSize >= from), verifier.CheckpointsChecked);
    }

    /// <summary>
    /// Runs of one entry are accepted as they come (and prepared by <see cref="ChainVerifier.Accept"/>); longer runs are first
    /// prepared on several threads at once, last run first, as the readers of <see cref="AuditVerifier"/> prepare them.
    /// </summary>
    private static ChainVerifier Verify(List<AuditEntry> entries, List<AuditCheckpoint> checkpoints, int runSize)
    {
        var verifier = new ChainVerifier("node-a", 1, [], checkpoints, AuditSamples.PublicKey);
        var runs = new List<EncodedRun>();
        try
        {
            for (var start = 0; start < entries.Count; start += runSize)
            {
                var run = new EncodedRun("node-a");
                runs.Add(run);
                foreach (var entry in entries.Skip(start).Take(runSize))
                {
                    run.Add(entry);
                }
            }

            if (runSize > 1)
            {
                Parallel.ForEach(Enumerable.Reverse(runs), new ParallelOptions { MaxDegreeOfParallelism = 4 }, verifier.Prepare);
            }

            foreach (var run in runs)
            {
                if (!verifier.Accept(run))
                {
                    break;
                }
            }
        }
        finally
        {
            runs.ForEach(static r => r.Dispose());
        }

        verifier.Finish(Count);
        return verifier;
    }

    private static async Task<(List<AuditEntry> Entries, List<AuditCheckpoint> Checkpoints)> ChainAsync()
    {
        var store = new InMemoryAuditStore();
        await using var appender = AuditSamples.Appender(store, new AuditOptions { Chain = "node-a", CheckpointEvery = 1000 });
        await appender.StartAsync(Cancellation);
        for (var i = 0; i < Count; i++)
        {
            await appender.AppendAsync(AuditSamples.Event(i), Cancellation);
        }

        await appender.StopAsync(Cancellation);
        var entries = new List<AuditEntry>();
        await foreach (var entry in store.ReadAsync("node-a", 1, long.MaxValue, Cancellation))
        {
            entries.Add(entry);
        }

        return (entries, [.. await store.ReadCheckpointsAsync("node-a", Cancellation)]);
    }
}
