using AgentMesh.Events;
using AgentMesh.Storage;

namespace AgentMesh.TestKit.Storage;

public abstract partial class MeshStoreConformanceTests
{
    [Fact]
    public async Task CommitAsync_Events_AssignsIncreasingSequencesInCommitOrder()
    {
        var first = new[] { MeshSamples.Event(), MeshSamples.Event() };
        var second = new[] { MeshSamples.Event("globex"), MeshSamples.Event(), MeshSamples.Event() };

        await CommitAsync(new ChangeSet().Add(first[0]), new ChangeSet().Add(first[1]));
        await CommitAsync(new ChangeSet().Add(second[0]).Add(second[1]), new ChangeSet().Add(second[2]));

        var sequences = first.Concat(second).Select(e => e.Sequence).ToList();
        Assert.True(sequences[0] > 0);
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
    }

    [Fact]
    public async Task ReadEventsAsync_AfterCommit_ReturnsEqualEventsOldestFirst()
    {
        var taskId = Guid.CreateVersion7();
        var submitted = MeshSamples.Event(type: EventTypes.TaskSubmitted, taskId: taskId);
        var tenantCreated = new MeshEvent
        {
            Id = Guid.CreateVersion7(),
            Tenant = "acme",
            Type = EventTypes.TenantCreated,
            Subject = "tenants/acme",
            Time = MeshSamples.Epoch.AddTicks(-5),
            Data = [],
        };
        await CommitAsync(new ChangeSet().Add(tenantCreated), new ChangeSet().Add(submitted));

        var events = await Store.ReadEventsAsync(new EventQuery { Tenant = "acme" }, Cancellation);

        Assert.Equal(2, events.Count);
        MeshAssert.Equal(tenantCreated, events[0]);
        MeshAssert.Equal(submitted, events[1]);
    }

    [Fact]
    public async Task ReadEventsAsync_TwoTenants_ReturnsOnlyQueriedTenant()
    {
        var acme = MeshSamples.Event("acme");
        await CommitAsync(new ChangeSet().Add(MeshSamples.Event("globex")).Add(acme).Add(MeshSamples.Event("globex")));

        var events = await Store.ReadEventsAsync(new EventQuery { Tenant = "acme" }, Cancellation);

        Assert.Equal([acme.Id], events.Select(e => e.Id));
    }

    [Fact]
    public async Task ReadEventsAsync_AfterSequence_ReturnsOnlyLater()
    {
        var events = Enumerable.Range(0, 5).Select(_ => MeshSamples.Event()).ToList();
        await CommitAsync(new ChangeSet().Add(events[0]).Add(events[1]));
        await CommitAsync(new ChangeSet().Add(events[2]), new ChangeSet().Add(events[3]).Add(events[4]));

        var later = await Store.ReadEventsAsync(new EventQuery { Tenant = "acme", AfterSequence = events[1].Sequence }, Cancellation);

        Assert.Equal(events.Skip(2).Select(e => e.Id), later.Select(e => e.Id));
    }

    [Fact]
    public async Task ReadEventsAsync_ByTypes_ReturnsOnlyThoseTypes()
    {
        var assigned = MeshSamples.Event(type: EventTypes.TaskAssigned);
        var succeeded = MeshSamples.Event(type: EventTypes.TaskSucceeded);
        await CommitAsync(new ChangeSet().Add(MeshSamples.Event(type: EventTypes.TaskSubmitted)).Add(assigned).Add(MeshSamples.Event(type: EventTypes.TaskQueued)).Add(succeeded));

        var events = await Store.ReadEventsAsync(new EventQuery { Tenant = "acme", Types = [EventTypes.TaskSucceeded, EventTypes.TaskAssigned] }, Cancellation);

        Assert.Equal([assigned.Id, succeeded.Id], events.Select(e => e.Id));
    }

    [Fact]
    public async Task ReadEventsAsync_EmptyTypes_ReturnsAllTypes()
    {
        await CommitAsync(new ChangeSet().Add(MeshSamples.Event(type: EventTypes.TaskSubmitted)).Add(MeshSamples.Event(type: EventTypes.TaskQueued)));

        var events = await Store.ReadEventsAsync(new EventQuery { Tenant = "acme", Types = [] }, Cancellation);

        Assert.Equal(2, events.Count);
    }

    [Fact]
    public async Task ReadEventsAsync_ByTask_ReturnsOnlyThatTasksEvents()
    {
        var taskId = Guid.CreateVersion7();
        var mine = new[] { MeshSamples.Event(type: EventTypes.TaskSubmitted, taskId: taskId), MeshSamples.Event(type: EventTypes.TaskQueued, taskId: taskId) };
        await CommitAsync(
            new ChangeSet().Add(mine[0]).Add(MeshSamples.Event(taskId: Guid.CreateVersion7())).Add(MeshSamples.Event(type: EventTypes.AgentConnected)),
            new ChangeSet().Add(mine[1]).Add(MeshSamples.Event("globex", taskId: taskId)));

        var events = await Store.ReadEventsAsync(new EventQuery { Tenant = "acme", TaskId = taskId }, Cancellation);

        Assert.Equal(mine.Select(e => e.Id), events.Select(e => e.Id));
    }

    [Fact]
    public async Task ReadEventsAsync_Limit_ReturnsOldestFirstUpToLimit()
    {
        var events = Enumerable.Range(0, 6).Select(_ => MeshSamples.Event()).ToList();
        var change = new ChangeSet();
        events.ForEach(e => change.Add(e));
        await CommitAsync(change);

        var read = await Store.ReadEventsAsync(new EventQuery { Tenant = "acme", Limit = 4 }, Cancellation);

        Assert.Equal(events.Take(4).Select(e => e.Id), read.Select(e => e.Id));
    }
}
