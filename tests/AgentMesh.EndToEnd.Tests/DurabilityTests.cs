using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentMesh.Client;
using AgentMesh.TestKit.Services;

namespace AgentMesh.EndToEnd.Tests;

public class DurabilityTests(PostgresServer postgres)
{
    [Fact]
    public Task NodeKilledWithSigkill_RestartsAndLosesNothingAcknowledged() => KillRestartAndCountAsync();

    [Fact]
    public async Task NodeOnPostgresKilledWithSigkill_RestartsAndLosesNothingAcknowledged() =>
        await KillRestartAndCountAsync(
            "--store", "postgres", "--postgres", await postgres.CreateDatabaseAsync(), "--AgentMesh:Encryption:KeyFile", ClusterUnderTest.SharedKeyFile(),
            "--AgentMesh:Audit:SubjectKeyFile", ClusterUnderTest.SharedAuditKeyFile(),
            "--AgentMesh:Audit:SigningKeyFile", ClusterUnderTest.SharedAuditKeyFile("audit-signing.key"));

    private static async Task KillRestartAndCountAsync(params string[] nodeSettings)
    {
        await using var mesh = await MeshUnderTest.StartAsync(nodeSettings);
        var tenant = await mesh.TenantAsync();
        await mesh.AgentAsync(tenant, "worker-1", concurrency: 8);
        await mesh.AgentAsync(tenant, "worker-2", concurrency: 8);
        var acknowledged = new List<string>();

        // Half one by one, half in one batch: work is surely still queued when the node dies, however fast the machine.
        for (var i = 0; i < 150; i++)
        {
            acknowledged.Add((await mesh.SubmitAsync(tenant, new { delayMs = 200, n = i }, timeout: 5)).Task.Id);
        }

        var batch = Enumerable.Range(150, 150).Select(static i => new TaskSubmission
        {
            Type = "echo",
            Input = System.Text.Json.JsonSerializer.SerializeToElement(new { delayMs = 200, n = i }),
            Requirements = [new Requirement("echo", 1)],
            TimeoutSeconds = 5,
        }).ToList();
        acknowledged.AddRange((await mesh.Client.SubmitTasksAsync(tenant, batch, TestContext.Current.CancellationToken)).Select(static t => t.Id));

        var queuedAtCrash = await mesh.Client.ListTasksAsync(tenant, new TaskQuery { Status = MeshTaskStatus.Queued, Limit = 1 }, TestContext.Current.CancellationToken);
        await mesh.CrashAndRestartNodeAsync();
        for (var i = 300; i < 400; i++)
        {
            acknowledged.Add((await mesh.SubmitAsync(tenant, new { delayMs = 20, n = i }, timeout: 5)).Task.Id);
        }

        Assert.NotEmpty(queuedAtCrash.Items);
        foreach (var id in acknowledged)
        {
            var done = await mesh.WaitForAsync(tenant, id, static t => t.Status.IsTerminal(), TimeSpan.FromSeconds(60));
            Assert.Equal(MeshTaskStatus.Succeeded, done.Status);
        }

        var succeeded = new HashSet<string>();
        string? cursor = null;
        do
        {
            var page = await mesh.Client.ListTasksAsync(tenant, new TaskQuery { Status = MeshTaskStatus.Succeeded, Limit = 1000, Cursor = cursor }, TestContext.Current.CancellationToken);
            succeeded.UnionWith(page.Items.Select(static t => t.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(acknowledged.Count, succeeded.Count);
        Assert.Superset(acknowledged.ToHashSet(), succeeded);
    }

    [Fact]
    public async Task ResultWithStaleLeaseToken_Gets409AndChangesNothing()
    {
        await using var mesh = await MeshUnderTest.StartAsync();
        var tenant = await mesh.TenantAsync();
        using var http = new HttpClient { BaseAddress = mesh.Url };
        http.DefaultRequestHeaders.Authorization = new("Bearer", mesh.AdminKey);
        var ct = TestContext.Current.CancellationToken;
        await http.PutAsJsonAsync($"/v1/tenants/{tenant}/agents/manual-1", new { name = "manual", capabilities = new[] { new { name = "echo", level = 3 } } }, ct);
        await http.PostAsJsonAsync($"/v1/tenants/{tenant}/agents/manual-1/poll", new { max = 1, waitSeconds = 0 }, ct);
        var submitted = await mesh.SubmitAsync(tenant, new { }, timeout: 1);
        var first = (await (await http.PostAsJsonAsync($"/v1/tenants/{tenant}/agents/manual-1/poll", new { max = 1, waitSeconds = 10 }, ct)).Content.ReadFromJsonAsync<JsonObject>(ct))!["assignments"]![0]!;
        await mesh.WaitForAsync(tenant, submitted.Task.Id, static t => t.Attempts.Count == 1 && t.Attempts[0].Outcome == AttemptOutcome.TimedOut);
        var second = (await (await http.PostAsJsonAsync($"/v1/tenants/{tenant}/agents/manual-1/poll", new { max = 1, waitSeconds = 10 }, ct)).Content.ReadFromJsonAsync<JsonObject>(ct))!["assignments"]![0]!;

        var stale = await http.PostAsJsonAsync($"/v1/tenants/{tenant}/tasks/{submitted.Task.Id}/complete", new { leaseToken = (string)first["leaseToken"]!, output = "late" }, ct);
        var problem = await stale.Content.ReadFromJsonAsync<JsonObject>(ct);
        var after = await mesh.Client.GetTaskAsync(tenant, submitted.Task.Id, ct);

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("lease_conflict", (string)problem!["code"]!);
        Assert.Equal(MeshTaskStatus.Running, after.Status);
        Assert.Equal(2, (int)second["attempt"]!);
        Assert.Null(after.Output);
    }
}
