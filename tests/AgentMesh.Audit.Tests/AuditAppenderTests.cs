using Microsoft.Extensions.Time.Testing;

namespace AgentMesh.Audit.Tests;

public class AuditAppenderTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendAsync_ManyEvents_ChainsConsecutiveEntriesThatVerify()
    {
        var store = new InMemoryAuditStore();
        await using var appender = AuditSamples.Appender(store, new AuditOptions { Chain = "node-a", CheckpointEvery = 100 });
        await appender.StartAsync(Cancellation);

        for (var i = 0; i < 1050; i++)
        {
            await appender.AppendAsync(AuditSamples.Event(i), Cancellation);
        }

        await appender.StopAsync(Cancellation);
        var result = await AuditVerifier.VerifyAsync(store, "node-a", 1, null, AuditSamples.PublicKey, Cancellation);

        Assert.True(result.Intact, result.Detail);
        Assert.Equal(1050, result.EntriesChecked);
        var checkpoints = await store.ReadCheckpointsAsync("node-a", Cancellation);
        Assert.Equal(1050, checkpoints[^1].TreeSize);
        Assert.True(checkpoints.Count >= 11);
        Assert.Equal(checkpoints.Count, result.CheckpointsChecked);
    }

    [Fact]
    public async Task StartAsync_ExistingChain_ContinuesItsSequenceAndTree()
    {
        var store = new InMemoryAuditStore();
        await using (var first = AuditSamples.Appender(store))
        {
            await first.StartAsync(Cancellation);
            await first.AppendAsync(AuditSamples.Event(1), Cancellation);
            await first.AppendAsync(AuditSamples.Event(2), Cancellation);
            await first.StopAsync(Cancellation);
        }

        await using (var second = AuditSamples.Appender(store))
        {
            await second.StartAsync(Cancellation);
            await second.AppendAsync(AuditSamples.Event(3), Cancellation);
            await second.StopAsync(Cancellation);
        }

        var result = await AuditVerifier.VerifyAsync(store, "node-a", 1, null, AuditSamples.PublicKey, Cancellation);
        Assert.True(result.Intact, result.Detail);
        Assert.Equal(3, result.EntriesChecked);
        Assert.Equal([2L, 3L], (await store.ReadCheckpointsAsync("node-a", Cancellation)).Select(static c => c.TreeSize));
    }

    [Fact]
    public async Task Checkpoint_IntervalElapsed_SignsWithoutReachingTheCount()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000));
        var store = new InMemoryAuditStore();
        await using var appender = AuditSamples.Appender(store, new AuditOptions { Chain = "node-a", CheckpointEvery = 1000, CheckpointInterval = TimeSpan.FromSeconds(10) }, time);
        await appender.StartAsync(Cancellation);
        await appender.AppendAsync(AuditSamples.Event(1), Cancellation);
        await appender.FlushAsync(Cancellation);
        Assert.Empty(await store.ReadCheckpointsAsync("node-a", Cancellation));

        time.Advance(TimeSpan.FromSeconds(11));
        await appender.FlushAsync(Cancellation);

        var checkpoint = Assert.Single(await store.ReadCheckpointsAsync("node-a", Cancellation));
        Assert.Equal(1, checkpoint.TreeSize);
        await appender.StopAsync(Cancellation);
    }

    [Fact]
    public async Task AppendAsync_AfterStop_IsDroppedWithoutThrowing()
    {
        var store = new InMemoryAuditStore();
        await using var appender = AuditSamples.Appender(store);
        await appender.StartAsync(Cancellation);
        await appender.StopAsync(Cancellation);

        await appender.AppendAsync(AuditSamples.Event(1), Cancellation);

        Assert.Null(await store.ReadLastAsync("node-a", Cancellation));
    }

    [Fact]
    public async Task AppendAsync_TimeWithTicks_IsStoredToTheMicrosecond()
    {
        var store = new InMemoryAuditStore();
        await using var appender = AuditSamples.Appender(store);
        await appender.StartAsync(Cancellation);

        await appender.AppendAsync(AuditSamples.Event(1) with { Time = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567) }, Cancellation);
        await appender.FlushAsync(Cancellation);

        var entry = (await store.ReadLastAsync("node-a", Cancellation))!;
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234560), entry.Event.Time);
        await appender.StopAsync(Cancellation);
    }

    [Fact]
    public void Hash_FixedEntry_IsTheDocumentedEncoding()
    {
        var hash = new ChainHasher().Hash(ChainHasher.Genesis, "node-a", 1, AuditSamples.Event(1));

        Assert.Equal(Pinned.FirstEntryHash, Convert.ToHexStringLower(hash));
    }
}
