using AgentMesh.Client;

namespace AgentMesh.EndToEnd.Tests;

public class TaskFlowTests
{
    [Fact]
    public async Task Submit_ToAgentProcess_Succeeds()
    {
        await using var mesh = await MeshUnderTest.StartAsync();
        var tenant = await mesh.TenantAsync();
        await mesh.AgentAsync(tenant, "echo-1");

        var submitted = await mesh.SubmitAsync(tenant, new { text = "hello" });
        var done = await mesh.WaitForAsync(tenant, submitted.Task.Id, static t => t.Status == MeshTaskStatus.Succeeded);

        Assert.True(submitted.Created);
        Assert.Equal("hello", done.Output!.Value.GetProperty("text").GetString());
        Assert.Equal("echo-1", Assert.Single(done.Attempts).AgentId);
    }

    [Fact]
    public async Task AgentKilledMidTask_LeaseExpires_TaskSucceedsOnAnotherAgent()
    {
        await using var mesh = await MeshUnderTest.StartAsync();
        var tenant = await mesh.TenantAsync();
        var doomed = await mesh.AgentAsync(tenant, "doomed");
        var submitted = await mesh.SubmitAsync(tenant, new { delayMs = 60_000, delayAttempts = 1 }, timeout: 3);
        await mesh.WaitForAsync(tenant, submitted.Task.Id, static t => t.Status == MeshTaskStatus.Running);
        await mesh.AgentAsync(tenant, "survivor");

        doomed.Kill();
        var done = await mesh.WaitForAsync(tenant, submitted.Task.Id, static t => t.Status == MeshTaskStatus.Succeeded);

        Assert.Equal(2, done.Attempts.Count);
        Assert.Equal(("doomed", AttemptOutcome.TimedOut), (done.Attempts[0].AgentId, done.Attempts[0].Outcome));
        Assert.Equal(("survivor", AttemptOutcome.Succeeded), (done.Attempts[1].AgentId, done.Attempts[1].Outcome));
    }

    [Fact]
    public async Task LongTask_WithTimeoutShorterThanHeartbeatInterval_KeepsItsLease()
    {
        await using var mesh = await MeshUnderTest.StartAsync();
        var tenant = await mesh.TenantAsync();
        await mesh.AgentAsync(tenant, "steady");

        var submitted = await mesh.SubmitAsync(tenant, new { delayMs = 5_000 }, timeout: 2);
        var done = await mesh.WaitForAsync(tenant, submitted.Task.Id, static t => t.Status.IsTerminal());

        Assert.Equal(MeshTaskStatus.Succeeded, done.Status);
        Assert.Single(done.Attempts);
    }

    [Fact]
    public async Task Cancel_RunningTask_ReachesTheHandlerAndEndsCancelled()
    {
        await using var mesh = await MeshUnderTest.StartAsync();
        var tenant = await mesh.TenantAsync();
        await mesh.AgentAsync(tenant, "echo-1");
        var submitted = await mesh.SubmitAsync(tenant, new { delayMs = 120_000 }, timeout: 300);
        await mesh.WaitForAsync(tenant, submitted.Task.Id, static t => t.Status == MeshTaskStatus.Running);

        await mesh.Client.CancelTaskAsync(tenant, submitted.Task.Id, TestContext.Current.CancellationToken);
        var done = await mesh.WaitForAsync(tenant, submitted.Task.Id, static t => t.Status.IsTerminal(), TimeSpan.FromSeconds(10));

        Assert.Equal(MeshTaskStatus.Cancelled, done.Status);
        Assert.Equal(AttemptOutcome.Cancelled, Assert.Single(done.Attempts).Outcome);
    }

    [Fact]
    public async Task Submit_WithSameIdempotencyKey_ReturnsTheFirstTask()
    {
        await using var mesh = await MeshUnderTest.StartAsync();
        var tenant = await mesh.TenantAsync();

        var first = await mesh.SubmitAsync(tenant, new { n = 1 }, idempotencyKey: "order-42");
        var second = await mesh.SubmitAsync(tenant, new { n = 2 }, idempotencyKey: "order-42");
        var page = await mesh.Client.ListTasksAsync(tenant, null, TestContext.Current.CancellationToken);

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Task.Id, second.Task.Id);
        Assert.Single(page.Items);
    }

    [Fact]
    public async Task Deadline_PassingBeforeAnyAgentCanStart_ExpiresTheTask()
    {
        await using var mesh = await MeshUnderTest.StartAsync();
        var tenant = await mesh.TenantAsync();

        var submitted = await mesh.SubmitAsync(tenant, new { }, deadline: DateTimeOffset.UtcNow.AddSeconds(1), capability: "nobody-has-this");
        var done = await mesh.WaitForAsync(tenant, submitted.Task.Id, static t => t.Status.IsTerminal(), TimeSpan.FromSeconds(10));

        Assert.Equal(MeshTaskStatus.Expired, done.Status);
        Assert.Empty(done.Attempts);
    }

    [Fact]
    public async Task Failures_UntilMaxAttempts_DeadLetter_AndRetryRequeues()
    {
        await using var mesh = await MeshUnderTest.StartAsync();
        var tenant = await mesh.TenantAsync();
        await mesh.AgentAsync(tenant, "echo-1");

        var submitted = await mesh.SubmitAsync(tenant, new { fail = true }, maxAttempts: 2);
        var dead = await mesh.WaitForAsync(tenant, submitted.Task.Id, static t => t.Status.IsTerminal());
        await mesh.Client.RetryTaskAsync(tenant, submitted.Task.Id, TestContext.Current.CancellationToken);
        var again = await mesh.WaitForAsync(tenant, submitted.Task.Id, static t => t.Status.IsTerminal() && t.Attempts.Count == 4);

        Assert.Equal(MeshTaskStatus.DeadLettered, dead.Status);
        Assert.Equal(2, dead.Attempts.Count);
        Assert.Equal("echo_failed", dead.Error?.Code);
        Assert.Equal(MeshTaskStatus.DeadLettered, again.Status);
    }
}

internal static class StatusExtensions
{
    public static bool IsTerminal(this MeshTaskStatus status) =>
        status is MeshTaskStatus.Succeeded or MeshTaskStatus.Failed or MeshTaskStatus.Cancelled or MeshTaskStatus.Expired or MeshTaskStatus.DeadLettered;
}
