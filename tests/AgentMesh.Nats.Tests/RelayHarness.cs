using AgentMesh.Events;
using AgentMesh.Nats.Outbox;
using AgentMesh.Sqlite;
using AgentMesh.Storage;
using AgentMesh.TestKit.Services;
using AgentMesh.TestKit.Storage;
using AgentMesh.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentMesh.Nats.Tests;

/// <summary>A SQLite store in a temporary folder, a real nats-server, and relays started over them.</summary>
internal sealed class RelayHarness : IAsyncDisposable
{
    private readonly string _folder;
    private readonly List<NatsOutboxRelay> _relays = [];

    private RelayHarness(string folder, NatsServerFixture nats, SqliteMeshStore store)
    {
        _folder = folder;
        Nats = nats;
        Store = store;
    }

    public NatsServerFixture Nats { get; }

    public SqliteMeshStore Store { get; }

    public static async Task<RelayHarness> StartAsync()
    {
        var nats = await NatsServerFixture.StartNewAsync();
        var folder = Path.Combine(Path.GetTempPath(), "agentmesh-nats-tests", Guid.NewGuid().ToString("N"));
        var store = new SqliteMeshStore(new SqliteStoreOptions { Path = Path.Combine(folder, "agentmesh.db") }, NullLogger<SqliteMeshStore>.Instance);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return new RelayHarness(folder, nats, store);
    }

    /// <summary>Commits <paramref name="count"/> events spread over three tenants, in batches of up to 7 per transaction.</summary>
    public async Task<IReadOnlyList<MeshEvent>> CommitEventsAsync(int count)
    {
        string[] tenants = ["acme", "globex", "initech"];
        string[] types = [EventTypes.TaskSubmitted, EventTypes.TaskQueued, EventTypes.TaskAssigned, EventTypes.TaskSucceeded];
        var events = Enumerable.Range(0, count).Select(i => MeshSamples.Event(tenants[i % 3], types[i % 4], Guid.CreateVersion7())).ToList();
        foreach (var chunk in events.Chunk(7))
        {
            var change = new ChangeSet();
            foreach (var meshEvent in chunk)
            {
                change.Add(meshEvent);
            }

            await Store.CommitAsync([change], TestContext.Current.CancellationToken);
        }

        return events;
    }

    public async Task<NatsOutboxRelay> StartRelayAsync(string cursor = "nats", int batchSize = 50)
    {
        var options = new NatsRelayOptions
        {
            Url = Nats.Url,
            CursorName = cursor,
            BatchSize = batchSize,
            PublishTimeout = TimeSpan.FromSeconds(2),
            RetryMaxDelay = TimeSpan.FromMilliseconds(500),
        };
        var relay = new NatsOutboxRelay(Store, Options.Create(options), TimeProvider.System, NullLogger<NatsOutboxRelay>.Instance);
        _relays.Add(relay);
        await relay.StartAsync(TestContext.Current.CancellationToken);
        return relay;
    }

    public static async Task StopRelayAsync(NatsOutboxRelay relay)
    {
        await relay.StopAsync(CancellationToken.None);
        relay.Dispose();
    }

    public async Task WaitCaughtUpAsync(NatsOutboxRelay relay)
    {
        var last = await Store.LastSequenceAsync(TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => relay.Status.Cursor >= last, $"the relay published up to sequence {last} (status: {relay.Status})");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in _relays)
        {
            await StopRelayAsync(relay);
        }

        await Store.DisposeAsync();
        await Nats.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
