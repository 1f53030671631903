using AgentMesh.Storage;
using AgentMesh.TestKit.Services;
using AgentMesh.TestKit.Storage;
using Npgsql;

namespace AgentMesh.PostgreSql.Tests;

/// <summary>One node leads at a time; a node that lost the lease can no longer write, whatever it believes.</summary>
public sealed class LeadershipTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly TimeSpan ShortLease = TimeSpan.FromMilliseconds(600);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private PostgresMeshStore _a = null!;
    private PostgresMeshStore _b = null!;

    public async ValueTask InitializeAsync()
    {
        var connectionString = await server.CreateDatabaseAsync();
        _a = TestStores.Create(connectionString);
        _b = TestStores.Create(connectionString);
        await _a.InitializeAsync(Cancellation);
        await _b.InitializeAsync(Cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Lease_HeldByOneNode_IsRefusedToAnother()
    {
        var a = new PostgresLeadership(_a);
        var b = new PostgresLeadership(_b);

        var epoch = await a.TryAcquireAsync("node-a", "http://127.0.0.1:1", TimeSpan.FromSeconds(30), Cancellation);
        var refused = await b.TryAcquireAsync("node-b", "http://127.0.0.1:2", TimeSpan.FromSeconds(30), Cancellation);

        Assert.Equal(1, epoch);
        Assert.Null(refused);
        Assert.Equal(new LeaderLease("node-a", "http://127.0.0.1:1", 1), await b.ReadAsync(Cancellation));
    }

    [Fact]
    public async Task ExpiredLease_IsTakenOver_AndTheOldLeaderCanNeitherRenewNorCommit()
    {
        var a = new PostgresLeadership(_a);
        var b = new PostgresLeadership(_b);
        var first = (await a.TryAcquireAsync("node-a", "http://127.0.0.1:1", ShortLease, Cancellation))!.Value;
        _a.Fence = new LeaderFence("node-a", first);
        await _a.CommitAsync([new ChangeSet().Put(MeshSamples.Tenant("acme"))], Cancellation);

        await Task.Delay(ShortLease * 2, Cancellation);
        var second = await b.TryAcquireAsync("node-b", "http://127.0.0.1:2", TimeSpan.FromSeconds(30), Cancellation);
        _b.Fence = new LeaderFence("node-b", second!.Value);

        Assert.Equal(first + 1, second);
        Assert.False(await a.RenewAsync("node-a", first, TimeSpan.FromSeconds(30), Cancellation));
        var stale = await Assert.ThrowsAsync<PostgresException>(
            () => _a.CommitAsync([new ChangeSet().Put(MeshSamples.Tenant("globex")).Add(MeshSamples.Event("globex"))], Cancellation));
        Assert.Equal("AM001", stale.SqlState);
        await _b.CommitAsync([new ChangeSet().Put(MeshSamples.Tenant("initech"))], Cancellation);
        Assert.Equal(["acme", "initech"], (await _b.LoadTenantsAsync(Cancellation)).Select(t => t.Id).Order());
        Assert.Equal(0, await _b.LastSequenceAsync(Cancellation));
    }

    [Fact]
    public async Task LeaseHeldUnderOurOwnAddress_IsTakenAtOnce()
    {
        var before = (await new PostgresLeadership(_a).TryAcquireAsync("node-a-first-run", "http://127.0.0.1:1", TimeSpan.FromSeconds(30), Cancellation))!.Value;

        var restarted = await new PostgresLeadership(_b).TryAcquireAsync("node-a-second-run", "http://127.0.0.1:1", TimeSpan.FromSeconds(30), Cancellation);

        Assert.Equal(before + 1, restarted);
    }

    [Fact]
    public async Task ReleasedLease_IsFreeAtOnce()
    {
        var a = new PostgresLeadership(_a);
        var b = new PostgresLeadership(_b);
        var epoch = (await a.TryAcquireAsync("node-a", "http://127.0.0.1:1", TimeSpan.FromSeconds(30), Cancellation))!.Value;

        await a.ReleaseAsync("node-a", epoch, Cancellation);

        Assert.Null(await b.ReadAsync(Cancellation));
        Assert.Equal(epoch + 1, await b.TryAcquireAsync("node-b", "http://127.0.0.1:2", TimeSpan.FromSeconds(30), Cancellation));
    }

    [Fact]
    public async Task CommitInFlight_HoldsATakeoverBackUntilItEnds()
    {
        var a = new PostgresLeadership(_a);
        var epoch = (await a.TryAcquireAsync("node-a", "http://127.0.0.1:1", ShortLease, Cancellation))!.Value;
        await using var connection = new NpgsqlConnection(server.ConnectionString(new NpgsqlConnectionStringBuilder(_a.DataSource.ConnectionString).Database!));
        await connection.OpenAsync(Cancellation);
        await using var transaction = await connection.BeginTransactionAsync(Cancellation);
        await using (var fence = new NpgsqlCommand("SELECT agentmesh_fence('node-a', $1)", connection, transaction))
        {
            fence.Parameters.Add(new NpgsqlParameter<long> { TypedValue = epoch });
            await fence.ExecuteNonQueryAsync(Cancellation);
        }

        await Task.Delay(ShortLease * 2, Cancellation);
        var takeover = new PostgresLeadership(_b).TryAcquireAsync("node-b", "http://127.0.0.1:2", TimeSpan.FromSeconds(30), Cancellation);
        await Task.Delay(300, Cancellation);
        Assert.False(takeover.IsCompleted);

        await transaction.CommitAsync(Cancellation);
        Assert.Equal(epoch + 1, await takeover);
    }
}
