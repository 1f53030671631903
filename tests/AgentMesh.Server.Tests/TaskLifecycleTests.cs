using System.Net;

namespace AgentMesh.Server.Tests;

public class TaskLifecycleTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Complete_CurrentLease_SucceedsWithOutputAndAttempt()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");

        var task = await Expect.OkAsync(await tenant.CompleteAsync(assignment, new { answer = 42 }));

        Assert.Equal("succeeded", (string)task["status"]!);
        Assert.Equal(42, (int)task["output"]!["answer"]!);
        var attempt = Assert.Single(task["attempts"]!.AsArray())!;
        Assert.Equal("agent-1", (string)attempt["agentId"]!);
        Assert.Equal("succeeded", (string)attempt["outcome"]!);
        Assert.NotNull(task["finishedAt"]);
    }

    [Fact]
    public async Task Complete_StaleLeaseToken_Returns409AndTaskUnchanged()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");
        var before = await tenant.TaskAsync((string)assignment["taskId"]!);
        assignment["leaseToken"] = "00000000000000000000000000000000";

        var response = await tenant.CompleteAsync(assignment);

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "lease_conflict");
        var after = await tenant.TaskAsync((string)assignment["taskId"]!);
        Assert.Equal("running", (string)after["status"]!);
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
    }

    [Fact]
    public async Task Complete_Twice_SecondGets409()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");
        await Expect.OkAsync(await tenant.CompleteAsync(assignment, new { first = true }));

        var response = await tenant.CompleteAsync(assignment, new { first = false });

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "lease_conflict");
        Assert.True((bool)(await tenant.TaskAsync((string)assignment["taskId"]!))["output"]!["first"]!);
    }

    [Fact]
    public async Task Fail_NotRetryable_EndsFailed()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");

        var task = await Expect.OkAsync(await tenant.FailAsync(assignment, retryable: false));

        Assert.Equal("failed", (string)task["status"]!);
        Assert.Equal("boom", (string)task["error"]!["code"]!);
    }

    [Fact]
    public async Task Fail_UntilMaxAttempts_DeadLettersThenRetryRequeues()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        var submitted = await tenant.SubmitAsync(new { type = "work", input = new { }, maxAttempts = 2 });
        var id = (string)submitted["id"]!;

        var first = await Expect.OkAsync(await tenant.FailAsync(await tenant.TakeAsync("agent-1"), retryable: true));
        var second = await Expect.OkAsync(await tenant.FailAsync(await tenant.TakeAsync("agent-1"), retryable: true));

        Assert.Equal("pending", (string)first["status"]!);
        Assert.Equal("dead_lettered", (string)second["status"]!);
        Assert.Equal("dead_lettered", (string)(await tenant.TaskAsync(id))["status"]!);

        var retried = await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{id}/retry"));
        var again = await tenant.TakeAsync("agent-1");

        Assert.Equal("queued", (string)retried["status"]!);
        Assert.Equal(id, (string)again["taskId"]!);
        Assert.Equal(3, (int)again["attempt"]!);
    }

    [Fact]
    public async Task Retry_FailedTask_Requeues()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");
        await tenant.FailAsync(assignment, retryable: false);

        var retried = await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{assignment["taskId"]}/retry"));

        Assert.Equal("queued", (string)retried["status"]!);
    }

    [Fact]
    public async Task Retry_QueuedTask_Returns409()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var task = await tenant.SubmitAsync();

        var response = await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{task["id"]}/retry");

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "conflict");
    }

    [Theory]
    [InlineData("retry")]
    [InlineData("cancel")]
    [InlineData("approve")]
    [InlineData("reject")]
    public async Task Action_UnknownTask_Returns404(string action)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/0197a8a0-0000-7000-8000-000000000000/{action}");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "task_not_found");
    }

    [Theory]
    [InlineData("retry")]
    [InlineData("cancel")]
    [InlineData("approve")]
    [InlineData("reject")]
    public async Task Action_MalformedTaskId_Returns404(string action)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/abc/{action}");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "task_not_found");
    }

    [Theory]
    [InlineData("retry")]
    [InlineData("cancel")]
    [InlineData("approve")]
    public async Task Action_UnknownTenant_Returns404(string action)
    {
        var response = await node.Admin.PostEmptyAsync($"/v1/tenants/no-such-tenant/tasks/0197a8a0-0000-7000-8000-000000000000/{action}");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Theory]
    [InlineData("retry")]
    [InlineData("cancel")]
    [InlineData("approve")]
    public async Task Action_TaskOfAnotherTenant_Returns404AndLeavesIt(string action)
    {
        var mine = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);
        var task = await other.SubmitAsync(new { type = "work", input = new { }, requiresApproval = true });

        var response = await mine.Http.PostEmptyAsync($"{mine.Path}/tasks/{task["id"]}/{action}");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "task_not_found");
        Assert.Equal("awaiting_approval", (string)(await other.TaskAsync((string)task["id"]!))["status"]!);
    }

    [Fact]
    public async Task Cancel_QueuedTask_EndsCancelled()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var task = await tenant.SubmitAsync();

        var cancelled = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks/{task["id"]}/cancel", new { reason = "not needed" }));

        Assert.Equal("cancelled", (string)cancelled["status"]!);
        Assert.Equal("cancelled", (string)(await tenant.TaskAsync((string)task["id"]!))["status"]!);
    }

    [Fact]
    public async Task Cancel_CancelledTask_Returns200()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var task = await tenant.SubmitAsync();
        await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{task["id"]}/cancel");

        var again = await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{task["id"]}/cancel"));

        Assert.Equal("cancelled", (string)again["status"]!);
    }

    [Fact]
    public async Task Cancel_SucceededTask_Returns409()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");
        await tenant.CompleteAsync(assignment);

        var response = await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{assignment["taskId"]}/cancel");

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Cancel_ReasonAsNumber_Returns400NamingReason()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var task = await tenant.SubmitAsync();

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks/{task["id"]}/cancel", "{\"reason\": 5}");

        await Expect.MalformedAsync(response, "reason");
        Assert.Equal("queued", (string)(await tenant.TaskAsync((string)task["id"]!))["status"]!);
    }

    [Fact]
    public async Task Cancel_RunningTask_AgentsNextPollListsIt()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");

        var flagged = await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{assignment["taskId"]}/cancel"));
        var poll = await tenant.PollAsync("agent-1", wait: 5);
        var done = await Expect.OkAsync(await tenant.CompleteAsync(assignment));

        Assert.Equal("running", (string)flagged["status"]!);
        Assert.True((bool)flagged["cancelRequested"]!);
        Assert.Equal((string)assignment["taskId"]!, (string)Assert.Single(poll["cancellations"]!.AsArray())!);
        Assert.Equal("cancelled", (string)done["status"]!);
    }

    [Fact]
    public async Task Cancel_RunningTask_HeartbeatListsIt()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");
        await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{assignment["taskId"]}/cancel");

        var beat = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/agent-1/heartbeat", new { leases = new[] { new { taskId = (string)assignment["taskId"]!, leaseToken = (string)assignment["leaseToken"]! } } }));

        Assert.Contains(beat["cancellations"]!.AsArray(), c => (string)c! == (string)assignment["taskId"]!);
    }

    [Fact]
    public async Task Decline_Task_GoesToAnotherAgent()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        var task = await tenant.SubmitAsync();
        var first = await tenant.TakeAsync("agent-1");
        await tenant.ConnectAsync("agent-2");

        var declined = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks/{task["id"]}/decline", new { leaseToken = (string)first["leaseToken"]!, reason = "busy" }));
        var second = await tenant.TakeAsync("agent-2");
        var again = await tenant.PollAsync("agent-1", wait: 0);

        Assert.Equal("queued", (string)declined["status"]!);
        Assert.Equal((string)task["id"]!, (string)second["taskId"]!);
        Assert.Empty(again["assignments"]!.AsArray());
        Assert.Equal("declined", (string)(await tenant.TaskAsync((string)task["id"]!))["attempts"]![0]!["outcome"]!);
    }

    [Fact]
    public async Task Progress_CurrentLease_RecordsProgress()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks/{assignment["taskId"]}/progress", new { leaseToken = (string)assignment["leaseToken"]!, percent = 40, message = "reading" });

        Assert.Equal("{}", (await Expect.OkAsync(response)).ToJsonString());
        var task = await tenant.TaskAsync((string)assignment["taskId"]!);
        Assert.Equal(40, (int)task["progress"]!["percent"]!);
        Assert.Equal("reading", (string)task["progress"]!["message"]!);
    }

    [Fact]
    public async Task Approve_AwaitingTask_QueuesIt()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        var task = await tenant.SubmitAsync(new { type = "work", input = new { }, requiresApproval = true });
        var idle = await tenant.PollAsync("agent-1", wait: 0);

        var approved = await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{task["id"]}/approve"));
        var assignment = await tenant.TakeAsync("agent-1");

        Assert.Equal("awaiting_approval", (string)task["status"]!);
        Assert.Empty(idle["assignments"]!.AsArray());
        Assert.Equal("queued", (string)approved["status"]!);
        Assert.Equal((string)task["id"]!, (string)assignment["taskId"]!);
    }

    [Fact]
    public async Task Reject_AwaitingTask_CancelsIt()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var task = await tenant.SubmitAsync(new { type = "work", input = new { }, requiresApproval = true });

        var rejected = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks/{task["id"]}/reject", new { reason = "too costly" }));

        Assert.Equal("cancelled", (string)rejected["status"]!);
        Assert.Equal("rejected", (string)rejected["error"]!["code"]!);
    }

    [Fact]
    public async Task Approve_QueuedTask_Returns409()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var task = await tenant.SubmitAsync();

        var response = await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{task["id"]}/approve");

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Approve_SubmitterKey_Returns403AndLeavesTaskWaiting()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var task = await tenant.SubmitAsync(new { type = "work", input = new { }, requiresApproval = true });
        var submitter = await tenant.ClientAsync(["submitter"]);

        var response = await submitter.PostEmptyAsync($"{tenant.Path}/tasks/{task["id"]}/approve");

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("awaiting_approval", (string)(await tenant.TaskAsync((string)task["id"]!))["status"]!);
    }

    [Fact]
    public async Task Lease_Expired_TaskRetriesAndOldTokenGets409()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        var task = await tenant.SubmitAsync(new { type = "work", input = new { }, timeout = 1 });
        var first = await tenant.TakeAsync("agent-1");

        var second = await tenant.TakeAsync("agent-1");
        var response = await tenant.CompleteAsync(first);

        Assert.Equal((string)task["id"]!, (string)second["taskId"]!);
        Assert.Equal(2, (int)second["attempt"]!);
        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "lease_conflict");
        Assert.Equal("timed_out", (string)(await tenant.TaskAsync((string)task["id"]!))["attempts"]![0]!["outcome"]!);
    }

    [Fact]
    public async Task Deadline_PassesBeforeStart_TaskExpires()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var task = await tenant.SubmitAsync(new { type = "work", input = new { }, deadline = DateTimeOffset.UtcNow.AddSeconds(1) });

        var expired = await tenant.WaitForStatusAsync((string)task["id"]!, "expired");

        Assert.NotNull(expired["finishedAt"]);
    }

    [Fact]
    public async Task Cancel_TaskWaitingForRetry_EndsCancelled()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");
        await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/agents/agent-1/pause"));
        var failed = await Expect.OkAsync(await tenant.FailAsync(assignment, retryable: true));

        var cancelled = await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/tasks/{assignment["taskId"]}/cancel"));

        Assert.Equal("pending", (string)failed["status"]!);
        Assert.Equal("cancelled", (string)cancelled["status"]!);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Equal("cancelled", (string)(await tenant.TaskAsync((string)assignment["taskId"]!))["status"]!);
    }

    [Fact]
    public async Task List_AgentFilter_ReturnsTasksOfThatAgent()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");
        await tenant.SubmitAsync(new { type = "other", input = new { }, requirements = new[] { new { capability = "nobody-has-this", minLevel = 1 } } });

        var list = await tenant.ListTasksAsync("?agent=agent-1");

        Assert.Equal([(string)assignment["taskId"]!], list["items"]!.AsArray().Select(t => (string)t!["id"]!));
    }
}
