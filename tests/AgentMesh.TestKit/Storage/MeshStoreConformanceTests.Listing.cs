using AgentMesh.Storage;
using AgentMesh.Tasks;

namespace AgentMesh.TestKit.Storage;

public abstract partial class MeshStoreConformanceTests
{
    [Fact]
    public async Task ListTasksAsync_NoFilter_ReturnsTenantTasksNewestFirst()
    {
        var tasks = await CommitTasksAsync(Enumerable.Range(0, 5).Select(i => MeshSamples.Task(id: Guid.CreateVersion7(MeshSamples.Epoch.AddSeconds(i)))));

        var page = await Store.ListTasksAsync(new TaskQuery { Tenant = "acme" }, Cancellation);

        Assert.Equal(NewestFirst(tasks), page.Items.Select(t => t.Id));
        Assert.Null(page.NextCursor);
        MeshAssert.Equal(tasks[^1], page.Items[0]);
    }

    [Fact]
    public async Task ListTasksAsync_TwoTenants_ReturnsOnlyQueriedTenant()
    {
        var acme = await CommitTasksAsync([MeshSamples.Task("acme"), MeshSamples.Task("acme")]);
        var globex = await CommitTasksAsync([MeshSamples.Task("globex")]);

        var acmePage = await Store.ListTasksAsync(new TaskQuery { Tenant = "acme" }, Cancellation);
        var globexPage = await Store.ListTasksAsync(new TaskQuery { Tenant = "globex" }, Cancellation);
        var nobodyPage = await Store.ListTasksAsync(new TaskQuery { Tenant = "initech" }, Cancellation);

        Assert.Equal(NewestFirst(acme), acmePage.Items.Select(t => t.Id));
        Assert.Equal(NewestFirst(globex), globexPage.Items.Select(t => t.Id));
        Assert.Empty(nobodyPage.Items);
    }

    [Fact]
    public async Task ListTasksAsync_ByStatus_ReturnsOnlyThatStatus()
    {
        var running = MeshSamples.Task() with { Status = MeshTaskStatus.Running };
        var dead = MeshSamples.Task() with { Status = MeshTaskStatus.DeadLettered };
        await CommitTasksAsync([running, dead, MeshSamples.Task()]);

        var page = await Store.ListTasksAsync(new TaskQuery { Tenant = "acme", Status = MeshTaskStatus.DeadLettered }, Cancellation);

        Assert.Equal([dead.Id], page.Items.Select(t => t.Id));
    }

    [Fact]
    public async Task ListTasksAsync_ByType_ReturnsOnlyThatType()
    {
        var summarize = MeshSamples.Task(type: "summarize");
        await CommitTasksAsync([summarize, MeshSamples.Task(type: "echo"), MeshSamples.Task("globex", type: "summarize")]);

        var page = await Store.ListTasksAsync(new TaskQuery { Tenant = "acme", Type = "summarize" }, Cancellation);

        Assert.Equal([summarize.Id], page.Items.Select(t => t.Id));
    }

    [Fact]
    public async Task ListTasksAsync_ByAgent_ReturnsOnlyThatAgentsTasks()
    {
        var mine = MeshSamples.Task() with { AgentId = "agent-1" };
        await CommitTasksAsync([mine, MeshSamples.Task() with { AgentId = "agent-2" }, MeshSamples.Task()]);

        var page = await Store.ListTasksAsync(new TaskQuery { Tenant = "acme", AgentId = "agent-1" }, Cancellation);

        Assert.Equal([mine.Id], page.Items.Select(t => t.Id));
    }

    [Fact]
    public async Task ListTasksAsync_ByCorrelationId_ReturnsOnlyCorrelated()
    {
        var correlated = MeshSamples.Task() with { CorrelationId = "order-1" };
        await CommitTasksAsync([correlated, MeshSamples.Task() with { CorrelationId = "order-2" }, MeshSamples.Task()]);

        var page = await Store.ListTasksAsync(new TaskQuery { Tenant = "acme", CorrelationId = "order-1" }, Cancellation);

        Assert.Equal([correlated.Id], page.Items.Select(t => t.Id));
    }

    [Fact]
    public async Task ListTasksAsync_ByParent_ReturnsOnlyChildren()
    {
        var parent = MeshSamples.Task();
        var children = new[] { MeshSamples.Task() with { ParentTaskId = parent.Id }, MeshSamples.Task() with { ParentTaskId = parent.Id } };
        await CommitTasksAsync([parent, .. children, MeshSamples.Task() with { ParentTaskId = Guid.CreateVersion7() }]);

        var page = await Store.ListTasksAsync(new TaskQuery { Tenant = "acme", ParentTaskId = parent.Id }, Cancellation);

        Assert.Equal(NewestFirst(children), page.Items.Select(t => t.Id));
    }

    [Fact]
    public async Task ListTasksAsync_SeveralFilters_ReturnsTasksMatchingAll()
    {
        var match = MeshSamples.Task(type: "summarize") with { Status = MeshTaskStatus.Running, AgentId = "agent-1", CorrelationId = "c" };
        await CommitTasksAsync(
        [
            match,
            match with { Id = Guid.CreateVersion7(), Status = MeshTaskStatus.Queued },
            match with { Id = Guid.CreateVersion7(), Type = "echo" },
            match with { Id = Guid.CreateVersion7(), AgentId = "agent-2" },
            match with { Id = Guid.CreateVersion7(), CorrelationId = "d" },
        ]);

        var page = await Store.ListTasksAsync(
            new TaskQuery { Tenant = "acme", Status = MeshTaskStatus.Running, Type = "summarize", AgentId = "agent-1", CorrelationId = "c" },
            Cancellation);

        Assert.Equal([match.Id], page.Items.Select(t => t.Id));
    }

    [Fact]
    public async Task ListTasksAsync_AfterNewerVersion_FiltersOnNewState()
    {
        var task = MeshSamples.Task();
        await CommitTasksAsync([task]);

        await CommitAsync(new ChangeSet().Put(MeshSamples.Assigned(task, "agent-7")));

        var running = await Store.ListTasksAsync(new TaskQuery { Tenant = "acme", Status = MeshTaskStatus.Running, AgentId = "agent-7" }, Cancellation);
        var queued = await Store.ListTasksAsync(new TaskQuery { Tenant = "acme", Status = MeshTaskStatus.Queued }, Cancellation);
        Assert.Equal([task.Id], running.Items.Select(t => t.Id));
        Assert.Empty(queued.Items);
    }

    [Fact]
    public async Task ListTasksAsync_CursorPages_WalkEveryTaskOnceNewestFirst()
    {
        var tasks = await CommitTasksAsync(Enumerable.Range(0, 25).Select(_ => MeshSamples.Task()));
        await CommitTasksAsync([MeshSamples.Task("globex")]);
        var seen = new List<Guid>();
        Guid? cursor = null;
        var pages = 0;

        do
        {
            var page = await Store.ListTasksAsync(new TaskQuery { Tenant = "acme", Limit = 7, Cursor = cursor }, Cancellation);
            Assert.InRange(page.Items.Count, 1, 7);
            seen.AddRange(page.Items.Select(t => t.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(NewestFirst(tasks), seen);
        Assert.Equal(4, pages);
    }

    private async Task<List<MeshTask>> CommitTasksAsync(IEnumerable<MeshTask> tasks)
    {
        var change = new ChangeSet();
        var list = tasks.ToList();
        foreach (var task in list)
        {
            change.Put(task);
        }

        await CommitAsync(change);
        return list;
    }

    /// <summary>Ids in the order of their text, newest first: UUIDv7 text order is time order.</summary>
    private static List<Guid> NewestFirst(IEnumerable<MeshTask> tasks) =>
        [.. tasks.Select(t => t.Id).OrderByDescending(id => id.ToString(), StringComparer.Ordinal)];
}
