using AgentMesh.Storage;
using AgentMesh.Tasks;

namespace AgentMesh.TestKit.Storage;

public abstract partial class MeshStoreConformanceTests
{
    /// <summary>A change set holding a null task cannot be written by any store; everything before it in the call must not stay.</summary>
    [Fact]
    public virtual async Task CommitAsync_ChangeSetThatThrows_WritesNothing()
    {
        var before = MeshSamples.Event();
        await CommitAsync(new ChangeSet().Add(before));
        var task = MeshSamples.Task();
        var lost = MeshSamples.Event(taskId: task.Id);
        var good = new ChangeSet().Put(MeshSamples.Tenant("globex")).Put(MeshSamples.Agent("agent-1")).Put(task).Add(lost);
        var broken = new ChangeSet().Put((MeshTask)null!);

        await Assert.ThrowsAnyAsync<Exception>(() => CommitAsync(good, broken));

        Assert.Empty(await Store.LoadTenantsAsync(Cancellation));
        Assert.Empty(await Store.LoadAgentsAsync(Cancellation));
        Assert.Null(await Store.GetTaskAsync("acme", task.Id, Cancellation));
        Assert.Equal([before.Id], (await Store.ReadEventsAsync(new EventQuery { Tenant = "acme" }, Cancellation)).Select(e => e.Id));

        var after = MeshSamples.Event();
        await CommitAsync(new ChangeSet().Add(after));
        Assert.Equal(before.Sequence + 1, after.Sequence);
    }

    [Fact]
    public async Task ReopenAsync_AfterCommits_KeepsEverything()
    {
        var tenant = MeshSamples.Tenant();
        var key = MeshSamples.Key("key-1") with { RevokedAt = MeshSamples.Epoch.AddHours(1) };
        var agent = MeshSamples.Agent("agent-1");
        var unfinished = MeshSamples.FullTask();
        var finished = MeshSamples.Succeeded(MeshSamples.Assigned(MeshSamples.Task() with { IdempotencyKey = "k-1" }));
        var meshEvent = MeshSamples.Event(taskId: finished.Id);
        await CommitAsync(new ChangeSet().Put(tenant).Put(key).Put(agent).Put(unfinished).Put(finished).Add(meshEvent));

        await ReopenAsync();

        Assert.Equal(tenant, Assert.Single(await Store.LoadTenantsAsync(Cancellation)));
        MeshAssert.Equal(key, Assert.Single(await Store.LoadKeysAsync(Cancellation)));
        MeshAssert.Equal(agent, Assert.Single(await Store.LoadAgentsAsync(Cancellation)));
        MeshAssert.Equal(unfinished, Assert.Single(await Store.LoadUnfinishedTasksAsync(Cancellation)));
        MeshAssert.Equal(finished, await Store.GetTaskAsync("acme", finished.Id, Cancellation));
        Assert.Equal(2, (await Store.LoadIdempotencyKeysAsync(MeshSamples.Epoch, Cancellation)).Count);
        MeshAssert.Equal(meshEvent, Assert.Single(await Store.ReadEventsAsync(new EventQuery { Tenant = "acme" }, Cancellation)));
    }

    [Fact]
    public async Task ReopenAsync_ThenCommit_ContinuesSequence()
    {
        var before = MeshSamples.Event();
        await CommitAsync(new ChangeSet().Add(MeshSamples.Event()).Add(before));

        await ReopenAsync();
        var after = MeshSamples.Event();
        await CommitAsync(new ChangeSet().Add(after));

        Assert.Equal(before.Sequence + 1, after.Sequence);
    }

    [Fact]
    public async Task ReopenAsync_ThenOlderVersion_KeepsNewer()
    {
        var submitted = MeshSamples.Task();
        var assigned = MeshSamples.Assigned(submitted);
        await CommitAsync(new ChangeSet().Put(submitted).Put(assigned));

        await ReopenAsync();
        await CommitAsync(new ChangeSet().Put(submitted));

        MeshAssert.Equal(assigned, await Store.GetTaskAsync("acme", submitted.Id, Cancellation));
    }
}
