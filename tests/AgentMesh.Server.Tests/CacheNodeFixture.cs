using AgentMesh.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Server.Tests;

/// <summary>A node whose store reads are counted (and can be held) by a <see cref="ReadCountingStore"/>; warming off.</summary>
public class CacheNodeFixture : NodeFixture
{
    public ReadCountingStore Store { get; private set; } = null!;

    protected override IEnumerable<string> Settings => ["--AgentMesh:Cache:WarmTasks", "0"];

    protected override void Configure(WebApplicationBuilder builder)
    {
        var original = builder.Services.Last(static d => d.ServiceType == typeof(IMeshStore));
        builder.Services.Remove(original);
        builder.Services.AddSingleton<IMeshStore>(sp => Store = new ReadCountingStore((IMeshStore)original.ImplementationFactory!(sp)));
    }
}

/// <summary>The same node with the read cache turned off.</summary>
public sealed class UncachedNodeFixture : CacheNodeFixture
{
    protected override IEnumerable<string> Settings => ["--AgentMesh:Cache:Enabled", "false"];
}

/// <summary>The same node with warming on: after a restart, the newest finished tasks are read into memory.</summary>
public sealed class WarmCacheNodeFixture : CacheNodeFixture
{
    protected override IEnumerable<string> Settings => ["--AgentMesh:Cache:WarmTasks", "100"];
}
