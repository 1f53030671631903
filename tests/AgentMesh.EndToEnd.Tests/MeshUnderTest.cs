using System.Text.Json;
using AgentMesh.Client;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>A node process on its own port and data folder, agent processes, and a client for the test.</summary>
internal sealed class MeshUnderTest : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<ChildProcess> _agents = [];
    private readonly string[] _nodeSettings;
    private readonly IReadOnlyDictionary<string, string>? _environment;

    private MeshUnderTest(string[] nodeSettings, IReadOnlyDictionary<string, string>? environment = null)
    {
        _nodeSettings = nodeSettings;
        _environment = environment;
        Url = new Uri($"http://127.0.0.1:{Processes.FreePort()}");
    }

    public string DataPath { get; } = Directory.CreateTempSubdirectory("agentmesh-e2e-").FullName;

    public Uri Url { get; }

    public ChildProcess Node { get; private set; } = null!;

    public string AdminKey { get; private set; } = null!;

    public AgentMeshClient Client { get; private set; } = null!;

    /// <summary>Fast retries so tests do not wait for production backoffs.</summary>
    public static Task<MeshUnderTest> StartAsync(params string[] nodeSettings) => StartAsync(null, nodeSettings);

    /// <summary>A node whose process also gets <paramref name="environment"/>.</summary>
    public static async Task<MeshUnderTest> StartAsync(IReadOnlyDictionary<string, string>? environment, params string[] nodeSettings)
    {
        var mesh = new MeshUnderTest(["--AgentMesh:Engine:RetryBaseDelay", "00:00:00.200", "--AgentMesh:Engine:RetryMaxDelay", "00:00:01", .. nodeSettings], environment);
        await mesh.StartNodeAsync();
        mesh.AdminKey = (await File.ReadAllTextAsync(Path.Combine(mesh.DataPath, "admin.key"))).Trim();
        mesh.Client = AgentMeshClient.Create(mesh.Url, mesh.AdminKey);
        return mesh;
    }

    public async Task StartNodeAsync()
    {
        Node = Processes.Start(Processes.CliDll, ["serve", "--data", DataPath, "--urls", Url.ToString().TrimEnd('/'), .. _nodeSettings], _environment);
        await Node.WaitForLineAsync("AgentMesh node listening", StartTimeout);
    }

    /// <summary>SIGKILL the node, then start it again on the same port and data folder.</summary>
    public async Task CrashAndRestartNodeAsync()
    {
        Node.Kill();
        Node.Dispose();
        await StartNodeAsync();
    }

    public async Task<string> TenantAsync()
    {
        var id = "e2e-" + Guid.NewGuid().ToString("N")[..10];
        await Client.CreateTenantAsync(new TenantCreation { Id = id, Name = id }, TestContext.Current.CancellationToken);
        return id;
    }

    public async Task<ChildProcess> AgentAsync(string tenant, string id, string capabilities = "echo:4", int concurrency = 4, IReadOnlyDictionary<string, string>? environment = null)
    {
        var agent = Processes.Start(Processes.EchoAgentDll,
        [
            "--url", Url.ToString(), "--key", AdminKey, "--tenant", tenant, "--agent-id", id,
            "--capabilities", capabilities, "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), "--autonomy", "false",
        ], environment);
        _agents.Add(agent);
        await agent.WaitForLineAsync($"agent {id} started", StartTimeout);
        return agent;
    }

    public Task<TaskSubmitResult> SubmitAsync(string tenant, object input, int? timeout = null, int? maxAttempts = null, int? priority = null, string? idempotencyKey = null, DateTimeOffset? deadline = null, string capability = "echo") =>
        Client.SubmitTaskAsync(
            tenant,
            new TaskSubmission
            {
                Type = "echo",
                Input = JsonSerializer.SerializeToElement(input, JsonSerializerOptions.Web),
                Requirements = [new Requirement(capability, 1)],
                TimeoutSeconds = timeout,
                MaxAttempts = maxAttempts,
                Priority = priority,
                IdempotencyKey = idempotencyKey,
                Deadline = deadline,
            },
            TestContext.Current.CancellationToken);

    /// <summary>Polls the task until <paramref name="done"/> holds, failing with the last state after <paramref name="timeout"/>.</summary>
    public async Task<MeshTask> WaitForAsync(string tenant, string taskId, Func<MeshTask, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        MeshTask task;
        do
        {
            task = await Client.GetTaskAsync(tenant, taskId, TestContext.Current.CancellationToken);
            if (done(task))
            {
                return task;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"task {taskId} is {task.Status} after {timeout ?? TimeSpan.FromSeconds(30)}; attempts: {string.Join(", ", task.Attempts.Select(a => $"{a.AgentId}:{a.Outcome}"))}\nnode output:\n{Node.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            agent.Dispose();
        }

        Node?.Dispose();
        Client?.Dispose();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
