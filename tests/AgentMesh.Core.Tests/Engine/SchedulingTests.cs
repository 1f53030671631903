using AgentMesh.Events;
using AgentMesh.Storage;
using AgentMesh.Tasks;

namespace AgentMesh.Core.Tests.Engine;

public class SchedulingTests
{
    [Fact]
    public async Task Dispatch_PicksHigherPriorityThenEarlierDeadlineFirst()
    {
        await using var mesh = await EngineHarness.StartAsync();
        var low = await mesh.SubmitAsync(new TaskSubmission { Type = "echo", Priority = 1 });
        var late = await mesh.SubmitAsync(new TaskSubmission { Type = "echo", Priority = 5, Deadline = mesh.Time.GetUtcNow().AddHours(2) });
        var soon = await mesh.SubmitAsync(new TaskSubmission { Type = "echo", Priority = 5, Deadline = mesh.Time.GetUtcNow().AddHours(1) });
        var normal = await mesh.SubmitAsync(new TaskSubmission { Type = "echo" });
        await mesh.AgentAsync("worker-1");

        var order = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var next = await mesh.NextAsync("worker-1");
            order.Add(next.TaskId);
            await mesh.CompleteAsync(next);
        }

        Assert.Equal([soon.Id, late.Id, normal.Id, low.Id], order);
    }

    [Fact]
    public async Task Dispatch_ServesTenantsInTurnSoAFloodDoesNotStarveOthers()
    {
        await using var mesh = await EngineHarness.StartAsync(o => o.DispatchQuantum = 8);
        await mesh.Engine.CreateTenantAsync("quiet", "Quiet", null, mesh.Token);
        mesh.Engine.DispatchPaused = true;
        await mesh.AgentAsync("flood-worker", slots: 500);
        await mesh.Engine.RegisterAgentAsync("quiet", "quiet-worker", new() { Name = "q", Capabilities = [new("echo", 3)] }, mesh.Token);
        await mesh.Engine.PollAsync("quiet", "quiet-worker", 1, 0, mesh.Token);
        await mesh.Engine.SubmitBatchAsync(EngineHarness.Tenant, [.. Enumerable.Range(0, 200).Select(_ => new TaskSubmission { Type = "echo" })], null, mesh.Token);
        var quietTask = (await mesh.Engine.SubmitAsync("quiet", new TaskSubmission { Type = "echo" }, null, mesh.Token)).Value!.Task;

        mesh.Engine.DispatchPaused = false;
        await mesh.Engine.PollAsync("quiet", "quiet-worker", 1, 30, mesh.Token);
        var assigned = new List<MeshEvent>();
        foreach (var tenant in new[] { EngineHarness.Tenant, "quiet" })
        {
            assigned.AddRange(await mesh.Store.ReadEventsAsync(new EventQuery { Tenant = tenant, Types = [EventTypes.TaskAssigned], Limit = 1000 }, mesh.Token));
        }

        var ordered = assigned.OrderBy(static e => e.Sequence).ToList();
        var position = ordered.FindIndex(e => e.TaskId == quietTask.Id);
        Assert.InRange(position, 0, 8);
    }

    [Fact]
    public async Task Route_PrefersHigherCapabilityLevel()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("novice", 1, ("summarize", 2));
        await mesh.AgentAsync("expert", 1, ("summarize", 5));

        await mesh.SubmitAsync(new TaskSubmission { Type = "s", Requirements = [new Requirement("summarize", 1)] });
        var assignment = await mesh.NextAsync("expert");

        Assert.Equal(1, assignment.Attempt);
        Assert.Empty((await mesh.Engine.PollAsync(EngineHarness.Tenant, "novice", 1, 0, mesh.Token)).Value!.Assignments);
    }

    [Fact]
    public async Task Route_SkipsAgentsBelowMinLevel()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("novice", 1, ("summarize", 2));
        var task = await mesh.SubmitAsync(new TaskSubmission { Type = "s", Requirements = [new Requirement("summarize", 4)] });
        await mesh.AgentAsync("expert", 1, ("summarize", 4.5));

        var assignment = await mesh.NextAsync("expert");

        Assert.Equal(task.Id, assignment.TaskId);
    }

    [Fact]
    public async Task Route_TargetAgent_GoesOnlyToThatAgent()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("a-1", 4);
        await mesh.AgentAsync("b-1", 4);
        var task = await mesh.SubmitAsync(new TaskSubmission { Type = "echo", TargetAgent = "b-1" });

        var assignment = await mesh.NextAsync("b-1");

        Assert.Equal(task.Id, assignment.TaskId);
    }

    [Fact]
    public async Task Terminate_WithTasksInFlight_NeedsForceAndReleasesThem()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("worker-1");
        var task = await mesh.SubmitAsync();
        await mesh.NextAsync("worker-1");

        var refused = await mesh.Engine.ChangeAgentAsync(EngineHarness.Tenant, "worker-1", AgentMesh.Engine.AgentAction.Terminate, force: false, mesh.Token);
        var forced = await mesh.Engine.ChangeAgentAsync(EngineHarness.Tenant, "worker-1", AgentMesh.Engine.AgentAction.Terminate, force: true, mesh.Token);
        var reRegister = await mesh.Engine.RegisterAgentAsync(EngineHarness.Tenant, "worker-1", new() { Name = "again", Capabilities = [new("echo", 3)] }, mesh.Token);
        var released = await mesh.TaskAsync(task.Id);

        Assert.Equal("conflict", refused.Error?.Code);
        Assert.Equal(AgentMesh.Agents.AgentStatus.Terminated, forced.Value!.Status);
        Assert.Equal("agent_terminated", reRegister.Error?.Code);
        Assert.Equal(MeshTaskStatus.Queued, released.Status);
        Assert.Equal(0, released.CountedAttempts());
    }
}
