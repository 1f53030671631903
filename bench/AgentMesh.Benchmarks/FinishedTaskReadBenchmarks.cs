using AgentMesh.Caching;
using AgentMesh.Engine;
using AgentMesh.Protection;
using AgentMesh.Sqlite;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.Tenants;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentMesh.Benchmarks;

/// <summary>Reading a finished task through the engine: from SQLite every time, or through the read cache (memory).</summary>
[MemoryDiagnoser]
public class FinishedTaskReadBenchmarks : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("agentmesh-bench-").FullName;
    private ServiceProvider? _services;
    private MeshEngine _engine = null!;
    private Guid _taskId;

    [Params(false, true)]
    public bool Cached { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var store = new SqliteMeshStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "bench.db") }, NullLogger<SqliteMeshStore>.Instance, PlaintextPayloads.Instance);
        await store.InitializeAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        _taskId = Guid.CreateVersion7();
        var task = new MeshTask
        {
            Id = _taskId, Tenant = "acme", Type = "work", Status = MeshTaskStatus.Succeeded, Input = "{\"text\":\"hello\"}", Output = "{\"ok\":true}",
            CreatedAt = now, UpdatedAt = now, FinishedAt = now, Version = 3,
        };
        await store.CommitAsync([new ChangeSet().Put(new Tenant { Id = "acme", Name = "Acme", CreatedAt = now }).PutCreated(task)], CancellationToken.None);

        FinishedTaskCache? cache = null;
        if (Cached)
        {
            _services = new ServiceCollection().AddHybridCache().Services.BuildServiceProvider();
            cache = new FinishedTaskCache(_services.GetRequiredService<HybridCache>(), new CacheOptions { WarmTasks = 0 }, shared: false, TimeProvider.System, NullLogger<FinishedTaskCache>.Instance);
        }

        _engine = new MeshEngine(store, Options.Create(new MeshEngineOptions()), TimeProvider.System, NullLogger<MeshEngine>.Instance, finishedTasks: cache);
        await _engine.StartAsync(CancellationToken.None);
    }

    [GlobalCleanup]
    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync();
        await _engine.Store.DisposeAsync();
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "GetTaskAsync of a finished task")]
    public async Task<MeshTask?> Read() => await _engine.GetTaskAsync("acme", _taskId, CancellationToken.None);
}
