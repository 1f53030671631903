using AgentMesh.Audit;
using AgentMesh.Sqlite.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Benchmarks;

/// <summary>A signed chain of audit entries for the audit benchmarks, in an <c>audit.db</c> of its own.</summary>
internal sealed class AuditChain : IDisposable
{
    public const string Name = "bench";

    public static readonly byte[] Seed = Enumerable.Range(1, 32).Select(static i => (byte)i).ToArray();

    private readonly string _folder;

    private AuditChain(byte[] publicKey, string folder)
    {
        PublicKey = publicKey;
        _folder = folder;
    }

    public byte[] PublicKey { get; }

    public string Database => Path.Combine(_folder, "verify.db");

    /// <summary>
    /// Appends <paramref name="entries"/> events in memory with checkpoints at the default interval, then writes them to a
    /// new <c>audit.db</c>; nothing of the chain stays in memory, so that verifying it works against a heap as small as
    /// <c>agentmesh audit verify</c> has.
    /// </summary>
    public static async Task<AuditChain> CreateAsync(int entries)
    {
        var memory = new InMemoryAuditStore();
        var signer = new CheckpointSigner(Seed);
        await using (var appender = new AuditAppender(memory, signer, new AuditOptions { Chain = Name }, TimeProvider.System, NullLogger<AuditAppender>.Instance))
        {
            await appender.StartAsync(CancellationToken.None);
            for (var i = 0; i < entries; i++)
            {
                await appender.AppendAsync(Event(i), CancellationToken.None);
            }

            await appender.StopAsync(CancellationToken.None);
        }

        var chain = new AuditChain(signer.PublicKey, Path.Combine(Path.GetTempPath(), "agentmesh-bench", Guid.NewGuid().ToString("N")));
        AuditEntry[] stored = [.. memory.ReadAsync(Name, 1, long.MaxValue, CancellationToken.None).ToBlockingEnumerable()];
        var checkpoints = await memory.ReadCheckpointsAsync(Name, CancellationToken.None);
        await using var database = new SqliteAuditStore(chain.Database);
        await database.InitializeAsync(CancellationToken.None);
        var written = 0;
        foreach (var checkpoint in checkpoints.Append(null))
        {
            var end = (int?)checkpoint?.TreeSize ?? stored.Length;
            await database.AppendAsync(new ArraySegment<AuditEntry>(stored, written, end - written), checkpoint, CancellationToken.None);
            written = end;
        }

        return chain;
    }

    /// <summary>Entry <paramref name="i"/>: 16 tenants, 64 API keys, a task id, the three details the middleware records.</summary>
    public static AuditEvent Event(int i) => new(
        DateTimeOffset.UnixEpoch.AddSeconds(1_800_000_000).AddTicks(i * 10L),
        "tenant-" + (i % 16),
        new AuditActor("api_key", "key-" + (i % 64), "10.0.0.7", "agentmesh-sdk/0.1"),
        i % 3 == 0 ? "task.create" : "agent.results",
        new AuditResource("task", Guid.CreateVersion7().ToString()),
        AuditOutcome.Success,
        null,
        "0HN" + i,
        "4bf92f3577b34da6a3ce929d0e0e4736",
        DataClassification.Confidential,
        new Dictionary<string, string> { ["method"] = "POST", ["route"] = "/v1/tenants/{tenant}/tasks", ["status"] = "201" });

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
