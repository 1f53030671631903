using System.Net;
using System.Text.Json.Nodes;

namespace AgentMesh.Server.Tests;

/// <summary>What a user checks on an answer: status, problem code, the named field.</summary>
public static class Expect
{
    public static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.Equal(code, (string?)problem["code"]);
        Assert.False(string.IsNullOrEmpty((string?)problem["requestId"]));
        if (field is not null)
        {
            var errors = problem["errors"]?.AsObject();
            Assert.True(errors is not null && errors.ContainsKey(field), $"Expected errors to name '{field}': {text}");
        }

        return problem;
    }

    public static Task<JsonObject> InvalidAsync(HttpResponseMessage response, string field) =>
        ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", field);

    public static Task<JsonObject> MalformedAsync(HttpResponseMessage response, string field) =>
        ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json", field);

    public static async Task<JsonObject> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
