using AgentMesh.Storage;

namespace AgentMesh.TestKit.Storage;

public abstract partial class MeshStoreConformanceTests
{
    protected IEventOutbox Outbox => Store as IEventOutbox
        ?? throw new InvalidOperationException($"{Store.GetType().Name} does not implement IEventOutbox; every IMeshStore must.");

    [Fact]
    public async Task ReadOutboxAsync_EveryTenant_ReturnsAllEventsInCommitOrder()
    {
        var events = new[] { MeshSamples.Event("acme"), MeshSamples.Event("globex"), MeshSamples.Event("acme"), MeshSamples.Event("initech"), MeshSamples.Event("globex") };
        await CommitAsync(new ChangeSet().Add(events[0]).Add(events[1]), new ChangeSet().Add(events[2]));
        await CommitAsync(new ChangeSet().Add(events[3]).Add(events[4]));

        var read = await Outbox.ReadOutboxAsync(0, 100, Cancellation);

        Assert.Equal(events.Select(e => e.Id), read.Select(e => e.Id));
        Assert.Equal(events.Select(e => e.Sequence), read.Select(e => e.Sequence));
        MeshAssert.Equal(events[3], read[3]);
    }

    [Fact]
    public async Task ReadOutboxAsync_Limit_ReturnsOldestUpToLimit()
    {
        var events = Enumerable.Range(0, 7).Select(i => MeshSamples.Event(i % 2 == 0 ? "acme" : "globex")).ToList();
        var change = new ChangeSet();
        events.ForEach(e => change.Add(e));
        await CommitAsync(change);

        var read = await Outbox.ReadOutboxAsync(0, 3, Cancellation);

        Assert.Equal(events.Take(3).Select(e => e.Id), read.Select(e => e.Id));
    }

    [Fact]
    public async Task ReadOutboxAsync_AfterSequence_ReturnsOnlyLaterAcrossCommits()
    {
        var events = Enumerable.Range(0, 6).Select(i => MeshSamples.Event(i % 3 == 0 ? "globex" : "acme")).ToList();
        await CommitAsync(new ChangeSet().Add(events[0]).Add(events[1]));
        await CommitAsync(new ChangeSet().Add(events[2]), new ChangeSet().Add(events[3]));
        await CommitAsync(new ChangeSet().Add(events[4]).Add(events[5]));

        var later = await Outbox.ReadOutboxAsync(events[2].Sequence, 2, Cancellation);
        var rest = await Outbox.ReadOutboxAsync(later[^1].Sequence, 100, Cancellation);

        Assert.Equal([events[3].Id, events[4].Id], later.Select(e => e.Id));
        Assert.Equal([events[5].Id], rest.Select(e => e.Id));
        Assert.Empty(await Outbox.ReadOutboxAsync(events[5].Sequence, 100, Cancellation));
    }

    [Fact]
    public async Task ReadOutboxAsync_EmptyStore_ReturnsNothing()
    {
        Assert.Empty(await Outbox.ReadOutboxAsync(0, 100, Cancellation));
        Assert.Equal(0, await Outbox.LastSequenceAsync(Cancellation));
    }

    [Fact]
    public async Task LastSequenceAsync_AfterCommits_ReturnsHighestSequence()
    {
        var last = MeshSamples.Event("globex");
        await CommitAsync(new ChangeSet().Add(MeshSamples.Event()).Add(MeshSamples.Event()));
        await CommitAsync(new ChangeSet().Add(last));

        Assert.Equal(last.Sequence, await Outbox.LastSequenceAsync(Cancellation));
    }

    [Fact]
    public async Task LoadCursorAsync_NeverSaved_ReturnsZero()
    {
        await CommitAsync(new ChangeSet().Add(MeshSamples.Event()));

        Assert.Equal(0, await Outbox.LoadCursorAsync("nats", Cancellation));
    }

    [Fact]
    public async Task SaveCursorAsync_TwoNames_KeepsEachApart()
    {
        await Outbox.SaveCursorAsync("nats", 42, Cancellation);
        await Outbox.SaveCursorAsync("siem", 7, Cancellation);

        Assert.Equal(42, await Outbox.LoadCursorAsync("nats", Cancellation));
        Assert.Equal(7, await Outbox.LoadCursorAsync("siem", Cancellation));
    }

    [Fact]
    public async Task SaveCursorAsync_LowerValue_NeverMovesBackwards()
    {
        await Outbox.SaveCursorAsync("nats", 10, Cancellation);
        await Outbox.SaveCursorAsync("nats", 25, Cancellation);
        await Outbox.SaveCursorAsync("nats", 12, Cancellation);
        await Outbox.SaveCursorAsync("nats", 25, Cancellation);

        Assert.Equal(25, await Outbox.LoadCursorAsync("nats", Cancellation));
    }

    [Fact]
    public async Task SaveCursorAsync_MissingName_Throws()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Outbox.SaveCursorAsync(" ", 1, Cancellation));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Outbox.SaveCursorAsync("nats", -1, Cancellation));
        Assert.Equal(0, await Outbox.LoadCursorAsync("nats", Cancellation));
    }

    [Fact]
    public async Task ReopenAsync_OutboxAndCursors_Survive()
    {
        var events = new[] { MeshSamples.Event("acme"), MeshSamples.Event("globex"), MeshSamples.Event("acme") };
        await CommitAsync(new ChangeSet().Add(events[0]).Add(events[1]).Add(events[2]));
        await Outbox.SaveCursorAsync("nats", events[1].Sequence, Cancellation);

        await ReopenAsync();

        Assert.Equal(events[1].Sequence, await Outbox.LoadCursorAsync("nats", Cancellation));
        Assert.Equal(events[2].Sequence, await Outbox.LastSequenceAsync(Cancellation));
        var unpublished = await Outbox.ReadOutboxAsync(events[1].Sequence, 100, Cancellation);
        MeshAssert.Equal(events[2], Assert.Single(unpublished));
    }
}
