using static AgentMesh.Client.Tests.Wire.Wire;

namespace AgentMesh.Client.Tests.Wire;

public class ProtocolWireTests
{
    [Fact]
    public void Write_PollBody_UsesProtocolNames() =>
        Assert.Equal("""{"max":4,"waitSeconds":20}""", Write(new PollBody(4, 20), Json.PollBody).ToJsonString());

    [Fact]
    public void Read_PollResponse_MapsAssignment()
    {
        var poll = Read(
            """
            { "assignments": [
                { "taskId": "019a", "attempt": 1, "leaseToken": "lt", "leaseExpiresAt": "2026-11-24T10:05:00.000Z",
                  "type": "summarize", "input": { "text": "hi" }, "priority": 3, "deadline": null,
                  "requirements": [ { "capability": "summarize", "minLevel": 3 } ],
                  "requiredSuccessRate": 0.9,
                  "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } ],
              "cancellations": [ "019b" ],
              "calls": [] }
            """,
            Json.PollResponse);

        var assignment = Assert.Single(poll.Assignments);
        Assert.Equal("019a", assignment.TaskId);
        Assert.Equal("lt", assignment.LeaseToken);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 10, 5, 0, TimeSpan.Zero), assignment.LeaseExpiresAt);
        Assert.Equal("hi", assignment.Input.GetProperty("text").GetString());
        Assert.Null(assignment.Deadline);
        Assert.Equal(new Requirement("summarize", 3), Assert.Single(assignment.Requirements));
        Assert.Equal(0.9, assignment.RequiredSuccessRate);
        Assert.StartsWith("00-0af7", assignment.Traceparent, StringComparison.Ordinal);
        Assert.Equal(["019b"], poll.Cancellations);
        Assert.Empty(poll.Calls);
    }

    [Fact]
    public void Read_EmptyPollResponse_HasEmptyLists()
    {
        var poll = Read("{}", Json.PollResponse);

        Assert.Empty(poll.Assignments);
        Assert.Empty(poll.Cancellations);
    }

    [Fact]
    public void Write_HeartbeatBody_UsesProtocolNames()
    {
        var json = Write(new HeartbeatBody(0.5, [new HeldLease("019a", "lt")]), Json.HeartbeatBody);

        Assert.Equal("""{"load":0.5,"leases":[{"taskId":"019a","leaseToken":"lt"}]}""", json.ToJsonString());
    }

    [Fact]
    public void Read_HeartbeatResponse_MapsLostAndCancellations()
    {
        var heartbeat = Read(
            """
            { "leases": [ { "taskId": "019a", "leaseExpiresAt": "2026-11-24T10:10:00.000Z" } ],
              "lost": [ "019b" ], "cancellations": [ "019c" ] }
            """,
            Json.HeartbeatResponse);

        Assert.Equal(new LeaseRenewal("019a", new DateTimeOffset(2026, 11, 24, 10, 10, 0, TimeSpan.Zero)), Assert.Single(heartbeat.Leases));
        Assert.Equal(["019b"], heartbeat.Lost);
        Assert.Equal(["019c"], heartbeat.Cancellations);
    }

    [Fact]
    public void Write_ResultsBody_MatchesProtocolExample()
    {
        var body = new ResultsBody(
        [
            TaskResult.Succeeded("019a", "l1", Element("{}")),
            TaskResult.Failed("019b", "l2", new TaskError("boom", "m"), retryable: true),
            TaskResult.Declined("019c", "l3", "too busy"),
        ]);

        var json = Write(body, Json.ResultsBody);

        Assert.Equal(
            """{"results":[{"taskId":"019a","leaseToken":"l1","outcome":"succeeded","output":{}},{"taskId":"019b","leaseToken":"l2","outcome":"failed","error":{"code":"boom","message":"m"},"retryable":true},{"taskId":"019c","leaseToken":"l3","outcome":"declined","reason":"too busy"}]}""",
            json.ToJsonString());
    }

    [Fact]
    public void Read_ResultsResponse_MapsStatuses()
    {
        var acks = Read(
            """{"results":[{"taskId":"019a","status":200,"taskStatus":"succeeded"},{"taskId":"019b","status":409,"code":"lease_conflict"}]}""",
            Json.ResultsResponse).Results;

        Assert.Equal(MeshTaskStatus.Succeeded, acks[0].TaskStatus);
        Assert.Equal(409, acks[1].Status);
        Assert.Equal("lease_conflict", acks[1].Code);
    }

    [Fact]
    public void Write_SingleResultBodies_UseProtocolNames()
    {
        Assert.Equal("""{"leaseToken":"l","output":{"a":1}}""", Write(new CompleteBody("l", Element("""{"a":1}""")), Json.CompleteBody).ToJsonString());
        Assert.Equal(
            """{"leaseToken":"l","error":{"code":"c","message":"m"},"retryable":false}""",
            Write(new FailBody("l", new TaskError("c", "m"), false), Json.FailBody).ToJsonString());
        Assert.Equal("""{"leaseToken":"l","percent":40,"message":"m"}""", Write(new ProgressBody("l", 40, "m"), Json.ProgressBody).ToJsonString());
        Assert.Equal("""{"leaseToken":"l","reason":"r"}""", Write(new DeclineBody("l", "r"), Json.DeclineBody).ToJsonString());
        Assert.Equal("""{"force":true}""", Write(new TerminateBody(true), Json.TerminateBody).ToJsonString());
    }
}
