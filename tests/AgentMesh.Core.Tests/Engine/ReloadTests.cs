using AgentMesh.Engine;
using AgentMesh.Tasks;

namespace AgentMesh.Core.Tests.Engine;

/// <summary>After a write the store refused, the engine reloads its state; nothing acknowledged meanwhile may be lost.</summary>
public class ReloadTests
{
    [Fact]
    public async Task Submit_WhileReloadingAfterRefusedWrite_IsRefusedAndNothingAcknowledgedIsLost()
    {
        FaultyStore? store = null;
        await using var mesh = await EngineHarness.StartAsync(wrap: inner => store = new FaultyStore(inner));
        await mesh.AgentAsync("worker-1");
        store!.HoldNextLoad();
        store.RefuseWrites(true);

        await Assert.ThrowsAsync<StoreUnavailableException>(async () => await mesh.Engine.SubmitAsync(EngineHarness.Tenant, new TaskSubmission { Type = "echo" }, null, mesh.Token));
        Assert.True(mesh.Engine.IsDiverged);

        // The store is back; the reload has read it and not yet replaced memory. A change taken now would be
        // written after that read and vanish from memory with the reload.
        store.RefuseWrites(false);
        var sweep = mesh.Engine.SweepAsync(mesh.Token);
        await store.LoadHeld.Task.WaitAsync(mesh.Token);
        await Assert.ThrowsAsync<StoreUnavailableException>(async () => await mesh.Engine.SubmitAsync(EngineHarness.Tenant, new TaskSubmission { Type = "echo" }, null, mesh.Token));
        Assert.True(mesh.Engine.IsDiverged);

        store.ReleaseLoad();
        await sweep;
        while (mesh.Engine.IsDiverged)
        {
            await Task.Delay(10, mesh.Token);
        }

        var accepted = await mesh.SubmitAsync();
        var assignment = await mesh.NextAsync("worker-1");
        Assert.Equal(accepted.Id, assignment.TaskId);
        var unfinished = await mesh.Store.LoadUnfinishedTasksAsync(mesh.Token);
        Assert.Equal(accepted.Id, Assert.Single(unfinished).Id);
    }

    [Fact]
    public async Task Reload_AfterStoreReturns_TakesChangesAgainAndKeepsStoredWork()
    {
        FaultyStore? store = null;
        await using var mesh = await EngineHarness.StartAsync(wrap: inner => store = new FaultyStore(inner));
        var kept = await mesh.SubmitAsync();
        store!.RefuseWrites(true);
        await Assert.ThrowsAsync<StoreUnavailableException>(async () => await mesh.Engine.SubmitAsync(EngineHarness.Tenant, new TaskSubmission { Type = "echo" }, null, mesh.Token));

        store.RefuseWrites(false);
        await mesh.Engine.SweepAsync(mesh.Token);
        while (mesh.Engine.IsDiverged)
        {
            await Task.Delay(10, mesh.Token);
        }

        var second = await mesh.SubmitAsync();
        await mesh.AgentAsync("worker-1");
        var first = await mesh.NextAsync("worker-1");
        await mesh.CompleteAsync(first);
        var next = await mesh.NextAsync("worker-1");
        Assert.Equal([kept.Id, second.Id], [first.TaskId, next.TaskId]);
    }
}
