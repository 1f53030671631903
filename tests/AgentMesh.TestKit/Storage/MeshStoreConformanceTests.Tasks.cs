using AgentMesh.Storage;
using AgentMesh.Tasks;

namespace AgentMesh.TestKit.Storage;

public abstract partial class MeshStoreConformanceTests
{
    [Fact]
    public async Task GetTaskAsync_FullTask_ReturnsEqualSnapshot()
    {
        var task = MeshSamples.FullTask();
        await CommitAsync(new ChangeSet().Put(task));

        MeshAssert.Equal(task, await Store.GetTaskAsync("acme", task.Id, Cancellation));
    }

    [Fact]
    public async Task GetTaskAsync_BareTask_ReturnsEqualSnapshot()
    {
        var task = MeshSamples.Task();
        await CommitAsync(new ChangeSet().Put(task));

        MeshAssert.Equal(task, await Store.GetTaskAsync("acme", task.Id, Cancellation));
    }

    [Fact]
    public async Task GetTaskAsync_OtherTenant_ReturnsNull()
    {
        var task = MeshSamples.Task("acme");
        await CommitAsync(new ChangeSet().Put(task));

        Assert.Null(await Store.GetTaskAsync("globex", task.Id, Cancellation));
    }

    [Fact]
    public async Task GetTaskAsync_UnknownId_ReturnsNull()
    {
        await CommitAsync(new ChangeSet().Put(MeshSamples.Task()));

        Assert.Null(await Store.GetTaskAsync("acme", Guid.CreateVersion7(), Cancellation));
    }

    [Fact]
    public async Task CommitAsync_NewerVersions_ReplaceSnapshot()
    {
        var submitted = MeshSamples.FullTask() with { Status = MeshTaskStatus.Queued, AgentId = null, LeaseToken = null };
        var assigned = MeshSamples.Assigned(submitted, "agent-9");
        var succeeded = MeshSamples.Succeeded(assigned);
        await CommitAsync(new ChangeSet().Put(submitted));
        await CommitAsync(new ChangeSet().Put(assigned));
        MeshAssert.Equal(assigned, await Store.GetTaskAsync("acme", submitted.Id, Cancellation));

        await CommitAsync(new ChangeSet().Put(succeeded));

        MeshAssert.Equal(succeeded, await Store.GetTaskAsync("acme", submitted.Id, Cancellation));
    }

    [Fact]
    public async Task CommitAsync_OlderVersionInLaterCall_KeepsNewer()
    {
        var submitted = MeshSamples.Task();
        var assigned = MeshSamples.Assigned(submitted);
        var succeeded = MeshSamples.Succeeded(assigned);
        await CommitAsync(new ChangeSet().Put(submitted), new ChangeSet().Put(succeeded));

        await CommitAsync(new ChangeSet().Put(assigned));
        await CommitAsync(new ChangeSet().Put(submitted));

        MeshAssert.Equal(succeeded, await Store.GetTaskAsync("acme", submitted.Id, Cancellation));
    }

    [Fact]
    public async Task CommitAsync_OlderVersionInSameCall_KeepsNewer()
    {
        var submitted = MeshSamples.Task();
        var assigned = MeshSamples.Assigned(submitted);
        var succeeded = MeshSamples.Succeeded(assigned);

        await CommitAsync(new ChangeSet().Put(submitted).Put(succeeded), new ChangeSet().Put(assigned).Put(submitted));

        MeshAssert.Equal(succeeded, await Store.GetTaskAsync("acme", submitted.Id, Cancellation));
    }

    [Fact]
    public async Task CommitAsync_SameVersionAgain_KeepsFirst()
    {
        var assigned = MeshSamples.Assigned(MeshSamples.Task(), "agent-1");
        var rival = assigned with { AgentId = "agent-2" };
        await CommitAsync(new ChangeSet().Put(assigned));

        await CommitAsync(new ChangeSet().Put(rival));

        MeshAssert.Equal(assigned, await Store.GetTaskAsync("acme", assigned.Id, Cancellation));
    }

    [Fact]
    public async Task CommitAsync_FirstSnapshotAboveVersionOne_Inserts()
    {
        var task = MeshSamples.FullTask() with { Version = 7 };

        await CommitAsync(new ChangeSet().Put(task));

        MeshAssert.Equal(task, await Store.GetTaskAsync("acme", task.Id, Cancellation));
    }

    [Fact]
    public async Task LoadUnfinishedTasksAsync_EveryStatus_ReturnsExactlyTheNonTerminal()
    {
        var change = new ChangeSet();
        var tasks = Enum.GetValues<MeshTaskStatus>()
            .Select((status, i) => MeshSamples.Task(i % 2 == 0 ? "acme" : "globex") with { Status = status })
            .ToList();
        foreach (var task in tasks)
        {
            change.Put(task);
        }

        await CommitAsync(change);

        var unfinished = await Store.LoadUnfinishedTasksAsync(Cancellation);

        Assert.Equal(
            tasks.Where(t => !t.Status.IsTerminal()).Select(t => t.Id).Order(),
            unfinished.Select(t => t.Id).Order());
        Assert.Equal(4, unfinished.Count);
    }

    [Fact]
    public async Task LoadUnfinishedTasksAsync_TaskFinishedLater_LeavesIt()
    {
        var running = MeshSamples.Assigned(MeshSamples.Task());
        var queued = MeshSamples.FullTask();
        await CommitAsync(new ChangeSet().Put(running).Put(queued));

        await CommitAsync(new ChangeSet().Put(MeshSamples.Succeeded(running)));

        MeshAssert.Equal(queued, Assert.Single(await Store.LoadUnfinishedTasksAsync(Cancellation)));
    }

    [Fact]
    public async Task LoadIdempotencyKeysAsync_Since_ReturnsKeyedTasksCreatedSince()
    {
        var since = MeshSamples.Epoch;
        var before = MeshSamples.Task() with { IdempotencyKey = "k-before", CreatedAt = since.AddTicks(-1) };
        var at = MeshSamples.Task() with { IdempotencyKey = "k-at", CreatedAt = since };
        var after = MeshSamples.Task("globex") with { IdempotencyKey = "k-after", CreatedAt = since.AddHours(1).AddTicks(3) };
        var unkeyed = MeshSamples.Task() with { CreatedAt = since.AddHours(1) };
        await CommitAsync(new ChangeSet().Put(before).Put(at).Put(after).Put(unkeyed));

        var entries = await Store.LoadIdempotencyKeysAsync(since, Cancellation);

        Assert.Equal(
            [new IdempotencyEntry("globex", "k-after", after.Id, after.CreatedAt), new IdempotencyEntry("acme", "k-at", at.Id, at.CreatedAt)],
            entries.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task LoadIdempotencyKeysAsync_KeyReused_ReturnsBothTasks()
    {
        var first = MeshSamples.Task() with { IdempotencyKey = "same", CreatedAt = MeshSamples.Epoch.AddDays(-2) };
        var second = MeshSamples.Task() with { IdempotencyKey = "same" };
        await CommitAsync(new ChangeSet().Put(first));
        await CommitAsync(new ChangeSet().Put(second));

        var entries = await Store.LoadIdempotencyKeysAsync(MeshSamples.Epoch.AddDays(-3), Cancellation);

        Assert.Equal(new[] { first.Id, second.Id }.Order(), entries.Select(e => e.TaskId).Order());
    }
}
