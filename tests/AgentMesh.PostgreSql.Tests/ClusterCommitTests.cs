using AgentMesh.Storage;
using AgentMesh.TestKit.Services;
using AgentMesh.TestKit.Storage;
using Npgsql;

namespace AgentMesh.PostgreSql.Tests;

/// <summary>Several nodes share one database: their commits interleave, and the shared event log stays gap-free and in commit order.</summary>
public sealed class ClusterCommitTests(PostgresServer server)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConcurrentCommitsFromThreeStores_NumberEventsWithoutGapsOrDuplicates()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var stores = new PostgresMeshStore[3];
        for (var i = 0; i < stores.Length; i++)
        {
            stores[i] = TestStores.Create(connectionString);
        }

        // Nodes starting together: one migrates, the others wait on the lock and find the schema done.
        await Task.WhenAll(stores.Select(s => s.InitializeAsync(Cancellation)));
        var committed = new List<(long Sequence, Guid Id)>[stores.Length];
        await Task.WhenAll(stores.Select((store, node) => Task.Run(
            async () =>
            {
                committed[node] = [];
                for (var commit = 0; commit < 40; commit++)
                {
                    var change = new ChangeSet();
                    for (var e = 0; e < 1 + (commit % 5); e++)
                    {
                        var task = MeshSamples.Task(id: Guid.CreateVersion7());
                        change.PutCreated(task).Add(MeshSamples.Event(taskId: task.Id));
                    }

                    await store.CommitAsync([change], Cancellation);
                    committed[node].AddRange(change.Events.Select(e => (e.Sequence, e.Id)));
                }
            },
            Cancellation)));

        var all = committed.SelectMany(c => c).OrderBy(c => c.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(c => c.Sequence));
        var stored = await stores[0].ReadOutboxAsync(0, 10_000, Cancellation);
        Assert.Equal(all.Select(c => c.Id), stored.Select(e => e.Id));
        Assert.Equal(all.Count, (await stores[0].ListTasksAsync(new TaskQuery { Tenant = "acme", Limit = 1000 }, Cancellation)).Items.Count);
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Initialize_DatabaseFromNewerVersion_IsRefused()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using (var store = TestStores.Create(connectionString))
        {
            await store.InitializeAsync(Cancellation);
        }

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(Cancellation);
            await using var command = new NpgsqlCommand("INSERT INTO schema_version (version) VALUES (999)", connection);
            await command.ExecuteNonQueryAsync(Cancellation);
        }

        await using var newer = TestStores.Create(connectionString);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.InitializeAsync(Cancellation));

        Assert.Contains("999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_ServerStopped_IsFalse()
    {
        // A server of its own: stopping the shared one would fail every other test.
        await using var own = new PostgresServer();
        await own.InitializeAsync();
        var connectionString = await own.CreateDatabaseAsync();
        await using var store = TestStores.Create(connectionString + ";Timeout=2");
        await store.InitializeAsync(Cancellation);
        Assert.True(await store.PingAsync(Cancellation));

        await own.StopAsync();
        Assert.False(await store.PingAsync(Cancellation));

        await own.StartAsync();
        Assert.True(await store.PingAsync(Cancellation));
    }

    [Fact]
    public async Task Ping_DatabaseBeforeMigrations_IsFalseThenTrueOnceMigrated()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var store = TestStores.Create(connectionString);
        Assert.False(await store.PingAsync(Cancellation));

        await store.InitializeAsync(Cancellation);
        Assert.True(await store.PingAsync(Cancellation));
    }
}
