namespace AgentMesh.Audit.Tests;

/// <summary>Runs of entries are hashed on every core; what they report must be exactly what entry-by-entry checking reports.</summary>
public class ChainVerifierBatchTests
{
    private const int Count = 3000;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string> Tampering => ["none", "content", "rehashed", "deleted", "swapped", "checkpoint"];

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Accept_Run_ReportsWhatEntryByEntryReports(string tampering)
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
        }

        var one = new ChainVerifier("node-a", 1, [], checkpoints, AuditSamples.PublicKey);
        foreach (var entry in entries)
        {
            if (!one.Accept(entry))
            {
                break;
            }
        }

        var runs = new ChainVerifier("node-a", 1, [], checkpoints, AuditSamples.PublicKey);
        for (var start = 0; start < entries.Count; start += 1024)
        {
            if (!runs.Accept(entries.GetRange(start, Math.Min(1024, entries.Count - start))))
            {
                break;
            }
        }

        one.Finish(Count);
        runs.Finish(Count);

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
