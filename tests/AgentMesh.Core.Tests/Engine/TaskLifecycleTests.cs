using AgentMesh.Engine;
using AgentMesh.Tasks;
using AgentMesh.Validation;

namespace AgentMesh.Core.Tests.Engine;

public class TaskLifecycleTests
{
    [Fact]
    public async Task Submit_WithConnectedAgent_AssignsUnderLeaseAndSucceeds()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("worker-1");
        var task = await mesh.SubmitAsync(new TaskSubmission { Type = "echo", Input = EngineHarness.Json("{\"n\":1}"), Timeout = 60 });

        var assignment = await mesh.NextAsync("worker-1");
        var done = await mesh.CompleteAsync(assignment, "{\"n\":2}");

        Assert.Equal(task.Id, assignment.TaskId);
        Assert.Equal(1, assignment.Attempt);
        Assert.Equal("{\"n\":1}", assignment.Input);
        Assert.Equal(mesh.Time.GetUtcNow().AddSeconds(60), assignment.LeaseExpiresAt);
        Assert.Equal(MeshTaskStatus.Succeeded, done.Status);
        Assert.Equal("{\"n\":2}", done.Output);
        Assert.Equal(AttemptOutcome.Succeeded, Assert.Single(done.Attempts).Outcome);
    }

    [Fact]
    public async Task Complete_WithStaleLeaseToken_IsLeaseConflictAndChangesNothing()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("worker-1");
        var task = await mesh.SubmitAsync();
        var assignment = await mesh.NextAsync("worker-1");

        var stale = await mesh.Engine.ReportAsync(EngineHarness.Tenant, null, new TaskReport(task.Id, "not-the-token", ReportKind.Succeeded) { Output = "1" }, mesh.Token);
        var after = await mesh.TaskAsync(task.Id);

        Assert.Equal("lease_conflict", stale.Error?.Code);
        Assert.Equal(MeshTaskStatus.Running, after.Status);
        Assert.Equal(assignment.LeaseToken, after.LeaseToken);
    }

    [Fact]
    public async Task Complete_AfterTerminalStateWritten_IsLeaseConflict()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("worker-1");
        await mesh.SubmitAsync();
        var assignment = await mesh.NextAsync("worker-1");
        await mesh.CompleteAsync(assignment, "1");

        var again = await mesh.Engine.ReportAsync(EngineHarness.Tenant, null, new TaskReport(assignment.TaskId, assignment.LeaseToken, ReportKind.Succeeded) { Output = "2" }, mesh.Token);

        Assert.Equal(MeshErrorKind.LeaseConflict, again.Error?.Kind);
        Assert.Equal("1", (await mesh.TaskAsync(assignment.TaskId)).Output);
    }

    [Fact]
    public async Task LeaseExpiry_TimesOutAttemptAndRetriesOnAnotherAgent()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("worker-1");
        var task = await mesh.SubmitAsync(new TaskSubmission { Type = "echo", Timeout = 10 });
        var first = await mesh.NextAsync("worker-1");
        await mesh.AgentAsync("worker-2");

        await mesh.AdvanceAsync(TimeSpan.FromSeconds(11));
        var pending = await mesh.TaskAsync(task.Id);
        await mesh.AdvanceAsync(TimeSpan.FromSeconds(2));
        var second = await mesh.NextAsync("worker-2");

        Assert.Equal(MeshTaskStatus.Pending, pending.Status);
        Assert.Equal(AttemptOutcome.TimedOut, pending.Attempts[0].Outcome);
        Assert.Equal(task.Id, second.TaskId);
        Assert.Equal(2, second.Attempt);
        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
    }

    [Fact]
    public async Task Heartbeat_ExtendsLeaseSoItDoesNotExpire()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("worker-1");
        var task = await mesh.SubmitAsync(new TaskSubmission { Type = "echo", Timeout = 10 });
        var assignment = await mesh.NextAsync("worker-1");

        await mesh.AdvanceAsync(TimeSpan.FromSeconds(8));
        var beat = await mesh.Engine.HeartbeatAsync(EngineHarness.Tenant, "worker-1", [new LeaseRef(task.Id, assignment.LeaseToken)], mesh.Token);
        await mesh.AdvanceAsync(TimeSpan.FromSeconds(8));

        Assert.Equal(mesh.Time.GetUtcNow().AddSeconds(2), Assert.Single(beat.Value!.Leases).LeaseExpiresAt);
        Assert.Equal(MeshTaskStatus.Running, (await mesh.TaskAsync(task.Id)).Status);
    }

    [Fact]
    public async Task Fail_UntilMaxAttempts_DeadLettersAndRetryRequeues()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("worker-1");
        var task = await mesh.SubmitAsync(new TaskSubmission { Type = "echo", MaxAttempts = 2 });

        await mesh.FailAsync(await mesh.NextAsync("worker-1"));
        await mesh.AdvanceAsync(TimeSpan.FromSeconds(2));
        var dead = await mesh.FailAsync(await mesh.NextAsync("worker-1"));
        var retried = await mesh.Engine.RetryAsync(EngineHarness.Tenant, task.Id, mesh.Token);
        var third = await mesh.NextAsync("worker-1");

        Assert.Equal(MeshTaskStatus.DeadLettered, dead.Status);
        Assert.Equal("boom", dead.Error?.Code);
        Assert.Equal(MeshTaskStatus.Queued, retried.Value!.Status);
        Assert.Equal(3, third.Attempt);
    }

    [Fact]
    public async Task Fail_NotRetryable_EndsFailedAtOnce()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("worker-1");
        await mesh.SubmitAsync();

        var failed = await mesh.FailAsync(await mesh.NextAsync("worker-1"), retryable: false);

        Assert.Equal(MeshTaskStatus.Failed, failed.Status);
        Assert.Single(failed.Attempts);
    }

    [Fact]
    public async Task Submit_WithSameIdempotencyKey_ReturnsFirstTask()
    {
        await using var mesh = await EngineHarness.StartAsync();
        var submission = new TaskSubmission { Type = "echo", IdempotencyKey = "order-42" };

        var first = await mesh.Engine.SubmitAsync(EngineHarness.Tenant, submission, null, mesh.Token);
        var second = await mesh.Engine.SubmitAsync(EngineHarness.Tenant, submission with { Priority = 5 }, null, mesh.Token);

        Assert.True(first.Value!.Created);
        Assert.False(second.Value!.Created);
        Assert.Equal(first.Value.Task.Id, second.Value.Task.Id);
        Assert.Single((await mesh.Store.ListTasksAsync(new() { Tenant = EngineHarness.Tenant }, mesh.Token)).Items);
    }

    [Fact]
    public async Task Cancel_QueuedTask_IsCancelledAtOnce()
    {
        await using var mesh = await EngineHarness.StartAsync();
        var task = await mesh.SubmitAsync();

        var cancelled = await mesh.Engine.CancelAsync(EngineHarness.Tenant, task.Id, null, mesh.Token);

        Assert.Equal(MeshTaskStatus.Cancelled, cancelled.Value!.Status);
    }

    [Fact]
    public async Task Cancel_RunningTask_TellsAgentOnPollAndEndsCancelled()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("worker-1", slots: 2);
        var task = await mesh.SubmitAsync();
        var assignment = await mesh.NextAsync("worker-1");

        var flagged = await mesh.Engine.CancelAsync(EngineHarness.Tenant, task.Id, null, mesh.Token);
        var poll = await mesh.Engine.PollAsync(EngineHarness.Tenant, "worker-1", 1, 30, mesh.Token);
        var ended = await mesh.FailAsync(assignment);

        Assert.True(flagged.Value!.CancelRequested);
        Assert.Equal(task.Id, Assert.Single(poll.Value!.Cancellations));
        Assert.Equal(MeshTaskStatus.Cancelled, ended.Status);
    }

    [Fact]
    public async Task Deadline_PassingBeforeStart_ExpiresTask()
    {
        await using var mesh = await EngineHarness.StartAsync();
        var task = await mesh.SubmitAsync(new TaskSubmission { Type = "echo", Deadline = mesh.Time.GetUtcNow().AddSeconds(5) });

        await mesh.AdvanceAsync(TimeSpan.FromSeconds(6));

        var expired = await mesh.TaskAsync(task.Id);
        Assert.Equal(MeshTaskStatus.Expired, expired.Status);
        Assert.Equal("deadline_passed", expired.Error?.Code);
    }

    [Fact]
    public async Task Decline_ExcludesAgentAndRoutesToAnother()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("worker-1");
        var task = await mesh.SubmitAsync();
        var first = await mesh.NextAsync("worker-1");
        await mesh.AgentAsync("worker-2");

        var declined = await mesh.Engine.ReportAsync(EngineHarness.Tenant, null, new TaskReport(task.Id, first.LeaseToken, ReportKind.Declined) { Reason = "busy" }, mesh.Token);
        var second = await mesh.NextAsync("worker-2");

        Assert.Equal(AttemptOutcome.Declined, declined.Value!.Attempts[0].Outcome);
        Assert.Equal(task.Id, second.TaskId);
    }

    [Fact]
    public async Task RequiresApproval_WaitsUntilApproved()
    {
        await using var mesh = await EngineHarness.StartAsync();
        await mesh.AgentAsync("worker-1");
        var task = await mesh.SubmitAsync(new TaskSubmission { Type = "echo", RequiresApproval = true });

        var approved = await mesh.Engine.ApproveAsync(EngineHarness.Tenant, task.Id, approve: true, "ok", mesh.Token);
        var assignment = await mesh.NextAsync("worker-1");

        Assert.Equal(MeshTaskStatus.AwaitingApproval, task.Status);
        Assert.Equal(MeshTaskStatus.Queued, approved.Value!.Status);
        Assert.Equal(task.Id, assignment.TaskId);
    }

    [Fact]
    public async Task Decline_ByTheOnlyAgent_OffersTheTaskAgainAfterTheExclusion()
    {
        await using var mesh = await EngineHarness.StartAsync(o => o.DeclineExclusion = TimeSpan.FromSeconds(30));
        await mesh.AgentAsync("only-one");
        var task = await mesh.SubmitAsync();
        var first = await mesh.NextAsync("only-one");
        await mesh.Engine.ReportAsync(EngineHarness.Tenant, null, new TaskReport(task.Id, first.LeaseToken, ReportKind.Declined) { Reason = "busy" }, mesh.Token);

        await mesh.AdvanceAsync(TimeSpan.FromSeconds(10));
        var stillQueued = await mesh.TaskAsync(task.Id);
        await mesh.AdvanceAsync(TimeSpan.FromSeconds(21));
        var second = await mesh.NextAsync("only-one");

        Assert.Equal(MeshTaskStatus.Queued, stillQueued.Status);
        Assert.Equal(task.Id, second.TaskId);
        Assert.Equal(2, second.Attempt);
    }
}
