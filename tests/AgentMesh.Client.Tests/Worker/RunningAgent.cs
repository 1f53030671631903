using AgentMesh.Client.Worker;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Client.Tests.Worker;

/// <summary>An <see cref="AgentRunner"/> running against a <see cref="FakeNode"/> until stopped.</summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private RunningAgent(AgentRunner runner)
    {
        Runner = runner;
        Run = runner.RunAsync(_stop.Token);
    }

    public AgentRunner Runner { get; }

    public Task Run { get; }

    public static RunningAgent Start(
        FakeNode node,
        IAgentHandler handler,
        Action<AgentDefinition>? define = null,
        AgentRunnerOptions? options = null,
        ILoggerFactory? loggerFactory = null)
    {
        var definition = new AgentDefinition { Id = "agent-1", MaxConcurrency = 2 };
        definition.Capabilities.Add(new Capability("echo", 4));
        define?.Invoke(definition);
        return new RunningAgent(new AgentRunner(node.Client(), "acme", definition, handler, options, loggerFactory));
    }

    public void RequestStop() => _stop.Cancel();

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
