using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.TestKit.Storage;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite.Tests;

public sealed class CommitTests : IAsyncLifetime
{
    private readonly TemporaryDatabase _database = new();
    private SqliteMeshStore _store = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = _database.CreateStore();
        await _store.InitializeAsync(Cancellation);
    }

    [Fact]
    public async Task CommitAsync_TenThousandTasksAndEvents_LandsWhole()
    {
        var changes = Submissions(10_000);

        await _store.CommitAsync(changes, Cancellation);

        var unfinished = await _store.LoadUnfinishedTasksAsync(Cancellation);
        var events = await _store.ReadEventsAsync(new EventQuery { Tenant = "acme", Limit = 10_000 }, Cancellation);
        Assert.Equal(changes.Select(c => c.Tasks[0].Id).Order(), unfinished.Select(t => t.Id).Order());
        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(changes.Select(c => c.Events[0].Id), events.Select(e => e.Id));
    }

    [Fact]
    public async Task ReadsDuringLargeCommit_Proceed_AndSeeNothingOfIt()
    {
        var earlier = MeshSamples.Task();
        await _store.CommitAsync([new ChangeSet().Put(earlier)], Cancellation);
        var changes = Submissions(10_000);
        using var gated = new GatedChangeSets(changes, gate: 5_000);

        var commit = Task.Run(() => _store.CommitAsync(gated, Cancellation), Cancellation);
        await gated.Reached.Task.WaitAsync(TimeSpan.FromMinutes(1), Cancellation);

        Assert.True(await _store.PingAsync(Cancellation));
        Assert.Null(await _store.GetTaskAsync("acme", changes[0].Tasks[0].Id, Cancellation));
        MeshAssert.Equal(earlier, Assert.Single(await _store.LoadUnfinishedTasksAsync(Cancellation)));
        Assert.Empty(await _store.ReadEventsAsync(new EventQuery { Tenant = "acme" }, Cancellation));
        Assert.False(commit.IsCompleted);

        gated.Release();
        await commit;
        Assert.Equal(10_001, (await _store.LoadUnfinishedTasksAsync(Cancellation)).Count);
    }

    [Fact]
    public async Task CommitAsync_ConstraintViolation_RollsBackAndConsumesNoSequence()
    {
        var before = MeshSamples.Event();
        await _store.CommitAsync([new ChangeSet().Add(before)], Cancellation);
        ClaimSequence(before.Sequence + 50);
        var changes = Submissions(100);

        var error = await Assert.ThrowsAsync<SqliteException>(() => _store.CommitAsync(changes, Cancellation));

        Assert.Contains("UNIQUE", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _store.LoadUnfinishedTasksAsync(Cancellation));
        Assert.All(changes.SelectMany(c => c.Events), e => Assert.Equal(0, e.Sequence));
        var after = MeshSamples.Event();
        await _store.CommitAsync([new ChangeSet().Add(after)], Cancellation);
        Assert.Equal(before.Sequence + 1, after.Sequence);
    }

    [Fact]
    public async Task CommitAsync_NewerVersion_KeepsFieldsFixedAtSubmission()
    {
        var submitted = MeshSamples.FullTask() with { Status = MeshTaskStatus.Queued };
        var assigned = MeshSamples.Assigned(submitted);
        await _store.CommitAsync([new ChangeSet().Put(submitted)], Cancellation);

        await _store.CommitAsync([new ChangeSet().Put(assigned with { Input = "{}", Type = "other", CorrelationId = "other" })], Cancellation);

        MeshAssert.Equal(assigned, await _store.GetTaskAsync("acme", submitted.Id, Cancellation));
    }

    [Fact]
    public async Task ListTasksAsync_LimitOutOfRange_IsClamped()
    {
        await _store.CommitAsync(Submissions(1_001), Cancellation);

        var none = await _store.ListTasksAsync(new TaskQuery { Tenant = "acme", Limit = 0 }, Cancellation);
        var all = await _store.ListTasksAsync(new TaskQuery { Tenant = "acme", Limit = int.MaxValue }, Cancellation);

        Assert.Single(none.Items);
        Assert.NotNull(none.NextCursor);
        Assert.Equal(1_000, all.Items.Count);
        Assert.Equal(all.Items[^1].Id, all.NextCursor);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _database.Dispose();
    }

    /// <summary>Another writer takes a sequence number behind the store's back.</summary>
    private void ClaimSequence(long sequence)
    {
        using var connection = _database.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO events (sequence, id, tenant, type, subject, time, data) VALUES (@sequence, 'x', 'other', 'x', 'x', 0, x'')";
        command.Parameters.AddWithValue("@sequence", sequence);
        command.ExecuteNonQuery();
    }

    private static List<ChangeSet> Submissions(int count) =>
        [.. Enumerable.Range(0, count).Select(_ =>
        {
            var task = MeshSamples.Task();
            return new ChangeSet().Put(task).Add(MeshSamples.Event(taskId: task.Id));
        })];
}
