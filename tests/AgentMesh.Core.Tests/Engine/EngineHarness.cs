using System.Text.Json;
using AgentMesh.Agents;
using AgentMesh.Engine;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentMesh.Core.Tests.Engine;

/// <summary>An engine on the in-memory store with a fake clock, and one tenant "acme".</summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

    private EngineHarness(MeshEngine engine, FakeTimeProvider time, InMemoryMeshStore store)
    {
        Engine = engine;
        Time = time;
        Store = store;
        _timeout.CancelAfter(TimeSpan.FromSeconds(20));
    }

    public MeshEngine Engine { get; }

    public FakeTimeProvider Time { get; }

    public InMemoryMeshStore Store { get; }

    public CancellationToken Token => _timeout.Token;

    public const string Tenant = "acme";

    /// <param name="configure">Engine options to change.</param>
    /// <param name="wrap">Puts something between the engine and the in-memory store (faults).</param>
    public static async Task<EngineHarness> StartAsync(Action<MeshEngineOptions>? configure = null, Func<InMemoryMeshStore, IMeshStore>? wrap = null)
    {
        var options = new MeshEngineOptions { SweepInterval = TimeSpan.FromHours(1) };
        configure?.Invoke(options);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var store = new InMemoryMeshStore();
        var engine = new MeshEngine(wrap?.Invoke(store) ?? store, Options.Create(options), time, NullLogger<MeshEngine>.Instance);
        await engine.StartAsync(CancellationToken.None);
        var harness = new EngineHarness(engine, time, store);
        var created = await engine.CreateTenantAsync(Tenant, "Acme", null, harness.Token);
        Assert.True(created.IsSuccess);
        return harness;
    }

    public async Task<AgentView> AgentAsync(string id, int slots = 1, params (string Name, double Level)[] capabilities)
    {
        var registration = new AgentRegistration
        {
            Name = id,
            MaxConcurrency = slots,
            Capabilities = capabilities.Length == 0 ? [new Capability("echo", 3)] : [.. capabilities.Select(static c => new Capability(c.Name, c.Level))],
        };
        var result = await Engine.RegisterAgentAsync(Tenant, id, registration, Token);
        Assert.True(result.IsSuccess, result.Error?.Detail);
        var connected = await Engine.PollAsync(Tenant, id, 1, 0, Token);
        Assert.True(connected.IsSuccess);
        return result.Value.Agent;
    }

    public async Task<MeshTask> SubmitAsync(TaskSubmission? submission = null, string tenant = Tenant)
    {
        var result = await Engine.SubmitAsync(tenant, submission ?? new TaskSubmission { Type = "echo" }, null, Token);
        Assert.True(result.IsSuccess, result.Error?.Detail);
        return result.Value!.Task;
    }

    public async Task<Assignment> NextAsync(string agentId, string tenant = Tenant)
    {
        for (var i = 0; i < 100; i++)
        {
            var poll = await Engine.PollAsync(tenant, agentId, 1, 30, Token);
            Assert.True(poll.IsSuccess, poll.Error?.Detail);
            if (poll.Value!.Assignments.Count > 0)
            {
                return poll.Value.Assignments[0];
            }
        }

        throw new InvalidOperationException("no assignment arrived");
    }

    public async Task<MeshTask> TaskAsync(Guid id) => (await Engine.GetTaskAsync(Tenant, id, Token))!;

    public async Task<MeshTask> CompleteAsync(Assignment assignment, string output = "{\"ok\":true}")
    {
        var result = await Engine.ReportAsync(Tenant, null, new TaskReport(assignment.TaskId, assignment.LeaseToken, ReportKind.Succeeded) { Output = output }, Token);
        Assert.True(result.IsSuccess, result.Error?.Detail);
        return result.Value!;
    }

    public async Task<MeshTask> FailAsync(Assignment assignment, bool retryable = true)
    {
        var result = await Engine.ReportAsync(Tenant, null, new TaskReport(assignment.TaskId, assignment.LeaseToken, ReportKind.Failed) { Error = new TaskError("boom", "it broke"), Retryable = retryable }, Token);
        Assert.True(result.IsSuccess, result.Error?.Detail);
        return result.Value!;
    }

    /// <summary>Moves the clock and runs the sweeper once.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await Engine.SweepAsync(Token);
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        _timeout.Dispose();
    }
}
