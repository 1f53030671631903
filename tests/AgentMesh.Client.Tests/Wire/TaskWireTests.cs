using static AgentMesh.Client.Tests.Wire.Wire;

namespace AgentMesh.Client.Tests.Wire;

public class TaskWireTests
{
    [Fact]
    public void Write_TaskSubmission_UsesProtocolNames()
    {
        var submission = new TaskSubmission
        {
            Type = "summarize",
            Input = Element("""{"text":"t"}"""),
            Requirements = [new("summarize", 3)],
            Priority = 3,
            Deadline = new DateTimeOffset(2026, 11, 24, 11, 0, 0, TimeSpan.FromHours(1)),
            TimeoutSeconds = 300,
            MaxAttempts = 4,
            IdempotencyKey = "order-42",
            Strategy = RoutingStrategy.LeastLoaded,
            Labels = new Dictionary<string, string> { ["team"] = "a" },
            RequiresApproval = false,
            RequiredSuccessRate = 0.95,
        };

        var json = Write(submission, Json.TaskSubmission);

        Assert.Equal(
            """{"type":"summarize","input":{"text":"t"},"requirements":[{"capability":"summarize","minLevel":3}],"priority":3,"deadline":"2026-11-24T10:00:00.000Z","timeout":300,"maxAttempts":4,"idempotencyKey":"order-42","strategy":"least_loaded","labels":{"team":"a"},"requiresApproval":false,"requiredSuccessRate":0.95}""",
            json.ToJsonString());
    }

    [Fact]
    public void Write_MinimalSubmission_OmitsDefaults() =>
        Assert.Equal(
            """{"type":"echo","input":null}""",
            Write(new TaskSubmission { Type = "echo", Input = Element("null") }, Json.TaskSubmission).ToJsonString());

    [Fact]
    public void Read_Task_MapsEveryField()
    {
        var task = Read(
            """
            { "id": "019a", "tenant": "acme", "type": "summarize", "status": "dead_lettered",
              "input": { "text": "t" }, "output": null, "error": { "code": "boom", "message": "m" },
              "requirements": [ { "capability": "summarize", "minLevel": 3 } ], "priority": 3, "deadline": null,
              "timeout": 300, "maxAttempts": 4, "idempotencyKey": "order-42", "targetAgent": null, "strategy": "round_robin",
              "parentTaskId": "019p", "workflowId": null, "correlationId": "c", "labels": { "team": "a" },
              "requiresApproval": false, "cancelRequested": true, "requiredSuccessRate": 0.5,
              "progress": { "percent": 100, "message": "done" },
              "attempts": [ { "number": 1, "agentId": "sum-1", "leaseStartedAt": "2026-11-24T10:00:00.000Z",
                              "leaseEndedAt": "2026-11-24T10:05:00.000Z", "outcome": "timed_out", "error": null } ],
              "createdAt": "2026-11-24T09:59:00.000Z", "updatedAt": "2026-11-24T10:05:00.000Z",
              "nextAttemptAt": null, "finishedAt": "2026-11-24T10:05:00.000Z" }
            """,
            Json.MeshTask);

        Assert.Equal(MeshTaskStatus.DeadLettered, task.Status);
        Assert.Equal(new TaskError("boom", "m"), task.Error);
        Assert.Equal(300, task.TimeoutSeconds);
        Assert.Equal(RoutingStrategy.RoundRobin, task.Strategy);
        Assert.Equal("019p", task.ParentTaskId);
        Assert.True(task.CancelRequested);
        Assert.Equal(new TaskProgress(100, "done"), task.Progress);
        var attempt = Assert.Single(task.Attempts);
        Assert.Equal(AttemptOutcome.TimedOut, attempt.Outcome);
        Assert.Equal("sum-1", attempt.AgentId);
        Assert.NotNull(task.FinishedAt);
    }

    [Theory]
    [InlineData("pending", MeshTaskStatus.Pending)]
    [InlineData("awaiting_approval", MeshTaskStatus.AwaitingApproval)]
    [InlineData("queued", MeshTaskStatus.Queued)]
    [InlineData("running", MeshTaskStatus.Running)]
    [InlineData("succeeded", MeshTaskStatus.Succeeded)]
    [InlineData("failed", MeshTaskStatus.Failed)]
    [InlineData("cancelled", MeshTaskStatus.Cancelled)]
    [InlineData("expired", MeshTaskStatus.Expired)]
    [InlineData("dead_lettered", MeshTaskStatus.DeadLettered)]
    public void Read_TaskStatus_MapsSnakeCase(string wire, MeshTaskStatus status) =>
        Assert.Equal(status, Read($$"""{"status":"{{wire}}"}""", Json.MeshTask).Status);

    [Theory]
    [InlineData("succeeded", AttemptOutcome.Succeeded)]
    [InlineData("failed", AttemptOutcome.Failed)]
    [InlineData("declined", AttemptOutcome.Declined)]
    [InlineData("timed_out", AttemptOutcome.TimedOut)]
    [InlineData("cancelled", AttemptOutcome.Cancelled)]
    public void Read_AttemptOutcome_MapsSnakeCase(string wire, AttemptOutcome outcome) =>
        Assert.Equal(outcome, Read($$"""{"number":1,"outcome":"{{wire}}"}""", Json.Attempt).Outcome);

    [Fact]
    public void Write_TaskBatch_WrapsInTasks() =>
        Assert.Equal(
            """{"tasks":[{"type":"a","input":1}]}""",
            Write(new TaskBatchBody([new TaskSubmission { Type = "a", Input = Element("1") }]), Json.TaskBatchBody).ToJsonString());
}
