using System.Net;
using System.Text.Json.Nodes;

namespace AgentMesh.Server.Tests;

/// <summary>A tenant of a test node with a tenant-admin client and the usual steps of the protocol.</summary>
public sealed class TenantClient(NodeFixture node, string tenant, HttpClient http)
{
    public string Tenant { get; } = tenant;

    public HttpClient Http { get; } = http;

    public NodeFixture Node { get; } = node;

    public string Path => $"/v1/tenants/{Tenant}";

    public static async Task<TenantClient> CreateAsync(NodeFixture node, object? quotas = null)
    {
        var (tenant, client) = await node.TenantAsync(quotas);
        return new TenantClient(node, tenant, client);
    }

    public async Task<HttpClient> ClientAsync(string[] roles, string? agentId = null) => Node.Client(await Node.KeyAsync(Tenant, roles, agentId));

    public async Task<JsonObject> RegisterAsync(string agentId, string capability = "work", int maxConcurrency = 1)
    {
        var response = await Http.PutJsonAsync($"{Path}/agents/{agentId}", new { name = agentId, capabilities = new[] { new { name = capability, level = 4 } }, maxConcurrency });
        return await Expect.OkAsync(response, response.StatusCode == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.Created);
    }

    /// <summary>Registers the agent and polls once so it is connected and can be routed to.</summary>
    public async Task<JsonObject> ConnectAsync(string agentId, string capability = "work", int maxConcurrency = 1)
    {
        await RegisterAsync(agentId, capability, maxConcurrency);
        await PollAsync(agentId, wait: 0);
        return await Expect.OkAsync(await Http.GetPathAsync($"{Path}/agents/{agentId}"));
    }

    public async Task<JsonObject> SubmitAsync(object submission) =>
        await Expect.OkAsync(await Http.PostJsonAsync($"{Path}/tasks", submission), HttpStatusCode.Created);

    public Task<JsonObject> SubmitAsync(string type = "work") => SubmitAsync(new { type, input = new { n = 1 } });

    public async Task<JsonObject> PollAsync(string agentId, int max = 1, int wait = 5) =>
        await Expect.OkAsync(await Http.PostJsonAsync($"{Path}/agents/{agentId}/poll", new { max, waitSeconds = wait }));

    /// <summary>Polls until the agent holds a task; fails the test after a few seconds without one.</summary>
    public async Task<JsonObject> TakeAsync(string agentId)
    {
        var poll = await PollAsync(agentId, wait: 10);
        var assignments = poll["assignments"]!.AsArray();
        Assert.True(assignments.Count > 0, $"Agent '{agentId}' got no task: {poll}");
        return assignments[0]!.AsObject();
    }

    public async Task<JsonObject> TaskAsync(string taskId) => await Expect.OkAsync(await Http.GetPathAsync($"{Path}/tasks/{taskId}"));

    public async Task<JsonObject> ListTasksAsync(string query = "") => await Expect.OkAsync(await Http.GetPathAsync($"{Path}/tasks{query}"));

    public Task<HttpResponseMessage> CompleteAsync(JsonObject assignment, object? output = null) =>
        Http.PostJsonAsync($"{Path}/tasks/{assignment["taskId"]}/complete", new { leaseToken = (string)assignment["leaseToken"]!, output = output ?? new { ok = true } });

    public Task<HttpResponseMessage> FailAsync(JsonObject assignment, bool retryable) =>
        Http.PostJsonAsync($"{Path}/tasks/{assignment["taskId"]}/fail", new { leaseToken = (string)assignment["leaseToken"]!, error = new { code = "boom", message = "it broke" }, retryable });

    /// <summary>Waits until the task reaches <paramref name="status"/>, for changes made by the node's own timers.</summary>
    public async Task<JsonObject> WaitForStatusAsync(string taskId, string status)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var task = await TaskAsync(taskId);
            if ((string)task["status"]! == status || DateTime.UtcNow > until)
            {
                Assert.Equal(status, (string)task["status"]!);
                return task;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
