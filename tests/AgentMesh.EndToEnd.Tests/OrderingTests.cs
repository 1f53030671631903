using AgentMesh.Client;

namespace AgentMesh.EndToEnd.Tests;

public class OrderingTests
{
    [Fact]
    public async Task QueuedTasks_RunInPriorityOrder()
    {
        await using var mesh = await MeshUnderTest.StartAsync();
        var tenant = await mesh.TenantAsync();
        var low = await mesh.SubmitAsync(tenant, new { }, priority: 1);
        var normal = await mesh.SubmitAsync(tenant, new { }, priority: 3);
        var urgent = await mesh.SubmitAsync(tenant, new { }, priority: 5);

        await mesh.AgentAsync(tenant, "single-slot", concurrency: 1);
        var started = new List<(DateTimeOffset At, string Id)>();
        foreach (var id in new[] { low.Task.Id, normal.Task.Id, urgent.Task.Id })
        {
            var done = await mesh.WaitForAsync(tenant, id, static t => t.Status == MeshTaskStatus.Succeeded);
            started.Add((done.Attempts[0].LeaseStartedAt!.Value, id));
        }

        Assert.Equal([urgent.Task.Id, normal.Task.Id, low.Task.Id], started.OrderBy(static s => s.At).Select(static s => s.Id));
    }

    [Fact]
    public async Task FloodFromOneTenant_DoesNotStarveAnother()
    {
        await using var mesh = await MeshUnderTest.StartAsync();
        var flooder = await mesh.TenantAsync();
        var quiet = await mesh.TenantAsync();
        await mesh.AgentAsync(flooder, "flood-worker", concurrency: 8);
        await mesh.AgentAsync(quiet, "quiet-worker", concurrency: 8);
        var flood = Enumerable.Range(0, 1000)
            .Select(_ => new TaskSubmission { Type = "echo", Input = System.Text.Json.JsonSerializer.SerializeToElement(new { delayMs = 20 }), Requirements = [new Requirement("echo", 1)] })
            .ToList();
        await mesh.Client.SubmitTasksAsync(flooder, flood, TestContext.Current.CancellationToken);

        var quietTasks = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            quietTasks.Add((await mesh.SubmitAsync(quiet, new { })).Task.Id);
        }

        foreach (var id in quietTasks)
        {
            await mesh.WaitForAsync(quiet, id, static t => t.Status == MeshTaskStatus.Succeeded, TimeSpan.FromSeconds(10));
        }

        var floodStillQueued = await mesh.Client.ListTasksAsync(flooder, new TaskQuery { Status = MeshTaskStatus.Queued, Limit = 1 }, TestContext.Current.CancellationToken);
        Assert.NotEmpty(floodStillQueued.Items);
    }
}
