using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using static AgentMesh.Client.Tests.Api.StubHttp;

namespace AgentMesh.Client.Tests.Api;

public class ProblemReaderTests
{
    [Fact]
    public async Task SubmitTaskAsync_ValidationProblem_ThrowsWithEveryField()
    {
        var http = new StubHttp((_, _) => Json(
            HttpStatusCode.BadRequest,
            """
            { "type": "https://agentmesh.dev/problems/validation_failed", "title": "The request is not valid.",
              "status": 400, "code": "validation_failed", "detail": "priority: must be between 1 and 5.",
              "errors": { "priority": ["must be between 1 and 5."] }, "requestId": "0HN8" }
            """,
            "application/problem+json"));
        using var client = http.Client();

        var exception = await Assert.ThrowsAsync<AgentMeshApiException>(() =>
            client.SubmitTaskAsync("acme", new TaskSubmission { Type = "echo", Input = JsonDocument.Parse("{}").RootElement, Priority = 9 }, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadRequest, exception.StatusCode);
        Assert.Equal("validation_failed", exception.Code);
        Assert.Equal("The request is not valid.", exception.Title);
        Assert.Equal("priority: must be between 1 and 5.", exception.Detail);
        Assert.Equal(["must be between 1 and 5."], exception.Errors["priority"]);
        Assert.Equal("0HN8", exception.RequestId);
        Assert.Equal("400 validation_failed: priority: must be between 1 and 5.", exception.Message);
    }

    [Fact]
    public async Task GetTaskAsync_NotFound_ThrowsWithCode()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.NotFound, """{"status":404,"code":"task_not_found","title":"Not found."}"""));
        using var client = http.Client();

        var exception = await Assert.ThrowsAsync<AgentMeshApiException>(() => client.GetTaskAsync("acme", "019a", TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, exception.StatusCode);
        Assert.Equal("task_not_found", exception.Code);
        Assert.Empty(exception.Errors);
    }

    [Fact]
    public async Task GetTaskAsync_ServiceUnavailableWithRetryAfterSeconds_ExceptionCarriesTheWait()
    {
        var http = new StubHttp((_, _) =>
        {
            var answer = Json(HttpStatusCode.ServiceUnavailable, """{"status":503,"code":"leader_unreachable"}""");
            answer.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
            return answer;
        });
        using var client = http.Client();

        var exception = await Assert.ThrowsAsync<AgentMeshApiException>(() => client.GetTaskAsync("acme", "019a", TestContext.Current.CancellationToken));

        Assert.Equal("leader_unreachable", exception.Code);
        Assert.Equal(TimeSpan.FromSeconds(1), exception.RetryAfter);
    }

    [Fact]
    public async Task GetTaskAsync_ErrorWithoutRetryAfter_ExceptionHasNoWait()
    {
        var http = new StubHttp((_, _) => Json(HttpStatusCode.ServiceUnavailable, "not a problem document"));
        using var client = http.Client();

        var exception = await Assert.ThrowsAsync<AgentMeshApiException>(() => client.GetTaskAsync("acme", "019a", TestContext.Current.CancellationToken));

        Assert.Null(exception.RetryAfter);
    }

    [Fact]
    public void RetryAfter_Date_IsTheTimeUntilIt_AndNeverNegative()
    {
        var now = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(30), ProblemReader.RetryAfter(new RetryConditionHeaderValue(now.AddSeconds(30)), now));
        Assert.Equal(TimeSpan.Zero, ProblemReader.RetryAfter(new RetryConditionHeaderValue(now.AddSeconds(-30)), now));
        Assert.Null(ProblemReader.RetryAfter(null, now));
    }

    [Fact]
    public void Parse_NotJson_KeepsTextAsDetail()
    {
        var exception = ProblemReader.Parse(HttpStatusCode.BadGateway, "<html>bad gateway</html>", "req-1");

        Assert.Equal(HttpStatusCode.BadGateway, exception.StatusCode);
        Assert.Null(exception.Code);
        Assert.Equal("<html>bad gateway</html>", exception.Detail);
        Assert.Equal("req-1", exception.RequestId);
    }

    [Fact]
    public void Parse_ErrorsAsStrings_MapsToSingleMessages()
    {
        var exception = ProblemReader.Parse(HttpStatusCode.BadRequest, """{"code":"malformed_json","errors":{"input":"not JSON"}}""", null);

        Assert.Equal(["not JSON"], exception.Errors["input"]);
    }

    [Fact]
    public async Task GetTaskAsync_ProblemWithoutRequestId_UsesHeader()
    {
        var http = new StubHttp((_, _) =>
        {
            var response = Json(HttpStatusCode.Conflict, """{"code":"conflict"}""");
            response.Headers.Add("X-Request-Id", "from-header");
            return response;
        });
        using var client = http.Client();

        var exception = await Assert.ThrowsAsync<AgentMeshApiException>(() => client.GetTaskAsync("acme", "019a", TestContext.Current.CancellationToken));

        Assert.Equal("from-header", exception.RequestId);
    }
}
