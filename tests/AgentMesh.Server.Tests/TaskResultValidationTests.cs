using System.Net;

namespace AgentMesh.Server.Tests;

public class TaskResultValidationTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private async Task<(TenantClient Tenant, string TaskId, string Token)> RunningAsync()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");
        return (tenant, (string)assignment["taskId"]!, (string)assignment["leaseToken"]!);
    }

    private static async Task AssertStillRunningAsync(TenantClient tenant, string taskId)
    {
        var task = await tenant.TaskAsync(taskId);
        Assert.Equal("running", (string)task["status"]!);
        Assert.Null(task["progress"]);
    }

    [Theory]
    [InlineData("complete", "{\"output\": {}}", "leaseToken")]
    [InlineData("fail", "{\"error\": {\"code\": \"x\", \"message\": \"m\"}}", "leaseToken")]
    [InlineData("progress", "{\"percent\": 5}", "leaseToken")]
    [InlineData("decline", "{}", "leaseToken")]
    [InlineData("fail", "{\"leaseToken\": \"{token}\"}", "error.code")]
    [InlineData("fail", "{\"leaseToken\": \"{token}\", \"error\": {\"message\": \"m\"}}", "error.code")]
    [InlineData("progress", "{\"leaseToken\": \"{token}\"}", "percent")]
    [InlineData("progress", "{\"leaseToken\": \"{token}\", \"percent\": -1}", "percent")]
    [InlineData("progress", "{\"leaseToken\": \"{token}\", \"percent\": 101}", "percent")]
    public async Task Report_Invalid_Returns400NamingFieldAndChangesNothing(string action, string body, string field)
    {
        var (tenant, taskId, token) = await RunningAsync();

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks/{taskId}/{action}", body.Replace("{token}", token, StringComparison.Ordinal));

        await Expect.InvalidAsync(response, field);
        await AssertStillRunningAsync(tenant, taskId);
    }

    [Fact]
    public async Task Complete_OutputNestedTooDeep_Returns400AndTaskStillRunning()
    {
        var (tenant, taskId, token) = await RunningAsync();
        var output = new string('[', 10_000) + new string(']', 10_000);

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks/{taskId}/complete", $$"""{"leaseToken": "{{token}}", "output": {{output}}}""");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json");
        await AssertStillRunningAsync(tenant, taskId);
    }

    [Fact]
    public async Task Fail_ErrorCodeOf129Characters_Returns400()
    {
        var (tenant, taskId, token) = await RunningAsync();

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks/{taskId}/fail", new { leaseToken = token, error = new { code = new string('c', 129), message = "m" } });

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        await AssertStillRunningAsync(tenant, taskId);
    }

    [Fact]
    public async Task Progress_MessageOf1001Characters_Returns400NamingMessage()
    {
        var (tenant, taskId, token) = await RunningAsync();

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks/{taskId}/progress", new { leaseToken = token, percent = 5, message = new string('m', 1001) });

        await Expect.InvalidAsync(response, "message");
        await AssertStillRunningAsync(tenant, taskId);
    }

    [Fact]
    public async Task Decline_ReasonOf1001Characters_Returns400NamingReason()
    {
        var (tenant, taskId, token) = await RunningAsync();

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks/{taskId}/decline", new { leaseToken = token, reason = new string('r', 1001) });

        await Expect.InvalidAsync(response, "reason");
        await AssertStillRunningAsync(tenant, taskId);
    }

    [Theory]
    [InlineData("complete", "{\"leaseToken\": 5}", "leaseToken")]
    [InlineData("fail", "{\"leaseToken\": \"{token}\", \"error\": \"boom\"}", "error")]
    [InlineData("fail", "{\"leaseToken\": \"{token}\", \"error\": {\"code\": \"x\", \"message\": \"m\"}, \"retryable\": \"no\"}", "retryable")]
    [InlineData("progress", "{\"leaseToken\": \"{token}\", \"percent\": \"half\"}", "percent")]
    [InlineData("decline", "{\"leaseToken\": \"{token}\", \"reason\": []}", "reason")]
    [InlineData("complete", "{\"leaseToken\": \"{token}\", ", "body")]
    public async Task Report_WrongType_Returns400MalformedJson(string action, string body, string field)
    {
        var (tenant, taskId, token) = await RunningAsync();

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks/{taskId}/{action}", body.Replace("{token}", token, StringComparison.Ordinal));

        await Expect.MalformedAsync(response, field);
        await AssertStillRunningAsync(tenant, taskId);
    }

    [Theory]
    [InlineData("complete")]
    [InlineData("fail")]
    [InlineData("progress")]
    [InlineData("decline")]
    public async Task Report_TextPlain_Returns415(string action)
    {
        var (tenant, taskId, token) = await RunningAsync();

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks/{taskId}/{action}", $"{{\"leaseToken\": \"{token}\", \"percent\": 5, \"error\": {{\"code\": \"x\", \"message\": \"m\"}}}}", "text/plain");

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await AssertStillRunningAsync(tenant, taskId);
    }

    [Theory]
    [InlineData("complete")]
    [InlineData("fail")]
    [InlineData("progress")]
    [InlineData("decline")]
    public async Task Report_StaleToken_Returns409(string action)
    {
        var (tenant, taskId, _) = await RunningAsync();

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks/{taskId}/{action}", new { leaseToken = "stale", percent = 5, error = new { code = "x", message = "m" } });

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "lease_conflict");
        await AssertStillRunningAsync(tenant, taskId);
    }

    [Theory]
    [InlineData("complete", "0197a8a0-0000-7000-8000-000000000000")]
    [InlineData("fail", "0197a8a0-0000-7000-8000-000000000000")]
    [InlineData("progress", "0197a8a0-0000-7000-8000-000000000000")]
    [InlineData("decline", "0197a8a0-0000-7000-8000-000000000000")]
    [InlineData("complete", "nope")]
    public async Task Report_UnknownTask_Returns404(string action, string taskId)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks/{taskId}/{action}", new { leaseToken = "x", percent = 5, error = new { code = "x", message = "m" } });

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "task_not_found");
    }

    [Fact]
    public async Task Complete_TaskOfAnotherTenant_Returns404AndLeavesIt()
    {
        var (other, taskId, token) = await RunningAsync();
        var mine = await TenantClient.CreateAsync(node);

        var response = await mine.Http.PostJsonAsync($"{mine.Path}/tasks/{taskId}/complete", new { leaseToken = token, output = new { } });

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "task_not_found");
        await AssertStillRunningAsync(other, taskId);
    }

    [Fact]
    public async Task Complete_UnknownTenant_Returns404()
    {
        var response = await node.Admin.PostJsonAsync("/v1/tenants/no-such-tenant/tasks/0197a8a0-0000-7000-8000-000000000000/complete", new { leaseToken = "x", output = new { } });

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }
}
