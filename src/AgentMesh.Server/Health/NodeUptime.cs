namespace AgentMesh.Server.Health;

/// <summary>When the node started, for the health report's uptime.</summary>
internal sealed class NodeUptime(TimeProvider time) : IHostedService
{
    public DateTimeOffset StartedAt { get; private set; }

    public TimeSpan Uptime => StartedAt == default ? TimeSpan.Zero : time.GetUtcNow() - StartedAt;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        StartedAt = time.GetUtcNow();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
