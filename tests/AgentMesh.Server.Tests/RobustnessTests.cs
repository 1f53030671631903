using System.Net;

namespace AgentMesh.Server.Tests;

public class RobustnessTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static readonly string[] Routes =
    [
        "POST /v1/tenants",
        "POST {t}/keys",
        "PUT {t}/agents/agent-1",
        "POST {t}/agents/agent-1/pause",
        "POST {t}/agents/agent-1/terminate",
        "POST {t}/agents/agent-1/poll",
        "POST {t}/agents/agent-1/heartbeat",
        "POST {t}/agents/agent-1/results",
        "POST {t}/tasks",
        "POST {t}/tasks:batch",
        "POST {t}/tasks/{task}/cancel",
        "POST {t}/tasks/{task}/retry",
        "POST {t}/tasks/{task}/approve",
        "POST {t}/tasks/{task}/reject",
        "POST {t}/tasks/{task}/complete",
        "POST {t}/tasks/{task}/fail",
        "POST {t}/tasks/{task}/progress",
        "POST {t}/tasks/{task}/decline",
    ];

    private static readonly string[] Bodies =
    [
        "",
        "null",
        "[]",
        "{}",
        "1",
        "\"text\"",
        "{\"a\":",
        "{\"results\": [{}], \"tasks\": [{}], \"leases\": [{}]}",
        "{\"results\": [1], \"tasks\": [1], \"leases\": [1], \"capabilities\": [1], \"error\": 1}",
        "{\"name\": null, \"capabilities\": [null], \"tags\": [null], \"metadata\": {\"k\": null}, \"labels\": {\"k\": null}, \"requirements\": [null]}",
        "{\"max\": 1e400, \"waitSeconds\": -0, \"percent\": 1e3, \"level\": NaN}",
    ];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var route in Routes)
        {
            for (var i = 0; i < Bodies.Length; i++)
            {
                data.Add(route, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Call_OddBody_AnswersWithoutServerErrorAndProblemOnFailure(string route, int body)
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");
        var task = await tenant.SubmitAsync(new { type = "work", input = new { }, requiresApproval = true });

        // Work to hand out, so a poll that is valid answers at once instead of waiting.
        await tenant.SubmitAsync();
        var parts = route.Split(' ');
        var path = parts[1].Replace("{t}", tenant.Path, StringComparison.Ordinal).Replace("{task}", (string)task["id"]!, StringComparison.Ordinal);

        var response = await node.Admin.SendTextAsync(new HttpMethod(parts[0]), path, Bodies[body]);

        Assert.True((int)response.StatusCode < 500, $"{route} with {Bodies[body]} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        if ((int)response.StatusCode >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Call_TextPlainOnEveryRouteThatReadsABody_Returns415()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");
        var task = await tenant.SubmitAsync();
        foreach (var route in Routes.Where(r => !r.EndsWith("/pause", StringComparison.Ordinal) && !r.EndsWith("/retry", StringComparison.Ordinal)))
        {
            var parts = route.Split(' ');
            var path = parts[1].Replace("{t}", tenant.Path, StringComparison.Ordinal).Replace("{task}", (string)task["id"]!, StringComparison.Ordinal);

            var response = await node.Admin.SendTextAsync(new HttpMethod(parts[0]), path, "{}", "text/plain");

            Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{route} answered {(int)response.StatusCode}");
        }
    }
}
