using System.Net;

namespace AgentMesh.Server.Tests;

public class RedactionTests(RedactionNodeFixture node) : IClassFixture<RedactionNodeFixture>
{
    [Fact]
    public async Task Logs_KeysTokensTasksAndFailures_NeverContainASecret()
    {
        var bodies = new List<string>();
        var tenant = await TenantClient.CreateAsync(node);
        var agentKey = await node.KeyAsync(tenant.Tenant, ["agent"], "agent-1");
        var agent = new TenantClient(node, tenant.Tenant, node.Client(agentKey));
        await agent.RegisterAsync("agent-1");
        await agent.PollAsync("agent-1", wait: 0);
        var taskId = (string)(await tenant.SubmitAsync())["id"]!;
        await Expect.OkAsync(await agent.CompleteAsync(await agent.TakeAsync("agent-1")));
        await tenant.WaitForStatusAsync(taskId, "succeeded");
        var token = JwtNodeFixture.Token(tenant.Tenant, ["viewer"]);
        var forged = JwtNodeFixture.Token(tenant.Tenant, ["tenant-admin"], secret: "another-secret-of-at-least-32-bytes-000000");
        using var withToken = node.Client(token);
        using var withForged = node.Client(forged);
        using var withUnknownKey = node.Client("amk_" + new string('x', 40));

        Assert.Equal(HttpStatusCode.OK, (await withToken.GetPathAsync($"{tenant.Path}/tasks/{taskId}")).StatusCode);
        bodies.Add(await ReadProblemAsync(await withToken.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work" }), HttpStatusCode.Forbidden));
        bodies.Add(await ReadProblemAsync(await withForged.GetPathAsync(tenant.Path), HttpStatusCode.Unauthorized));
        bodies.Add(await ReadProblemAsync(await withUnknownKey.GetPathAsync(tenant.Path), HttpStatusCode.Unauthorized));
        bodies.Add(await ReadProblemAsync(await agent.Http.PostJsonAsync($"{tenant.Path}/tasks/{taskId}/complete", new { leaseToken = "nope", output = new { } }), HttpStatusCode.Conflict));

        string[] secrets = [node.AdminKey, agentKey, token, forged, JwtNodeFixture.Secret, "another-secret-of-at-least-32-bytes-000000", .. SignatureOf(token), .. SignatureOf(forged)];
        var lines = node.Logs.Lines.ToList();
        Assert.NotEmpty(lines);
        Assert.Contains(lines, static l => l.StartsWith("Debug", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(bodies, body => body.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static string[] SignatureOf(string token) => [token[(token.LastIndexOf('.') + 1)..]];

    private static async Task<string> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return body;
    }
}
