using AgentMesh.Storage;
using AgentMesh.TestKit.Services;
using AgentMesh.TestKit.Storage;
using Npgsql;

namespace AgentMesh.PostgreSql.Tests;

/// <summary>
/// Row-level security is the second guard behind the node's own tenant checks: a session of the node's role
/// sees a tenant's rows only after naming that tenant for its transaction.
/// </summary>
public sealed class RowLevelSecurityTests(PostgresServer server) : IAsyncLifetime
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string _connectionString = "";

    public async ValueTask InitializeAsync()
    {
        _connectionString = await server.CreateDatabaseAsync();
        await using var store = TestStores.Create(_connectionString);
        await store.InitializeAsync(Cancellation);
        var acme = MeshSamples.Task("acme");
        var globex = MeshSamples.Task("globex");
        await store.CommitAsync(
            [
                new ChangeSet()
                    .Put(MeshSamples.Tenant("acme")).Put(MeshSamples.Tenant("globex"))
                    .Put(MeshSamples.Agent("agent-1", "acme")).Put(MeshSamples.Agent("agent-1", "globex"))
                    .Put(MeshSamples.Key("key-acme", "acme")).Put(MeshSamples.Key("key-globex", "globex"))
                    .PutCreated(acme).PutCreated(globex)
                    .Add(MeshSamples.Event("acme", taskId: acme.Id)).Add(MeshSamples.Event("globex", taskId: globex.Id)),
            ],
            Cancellation);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Theory]
    [InlineData("tenants")]
    [InlineData("api_keys")]
    [InlineData("agents")]
    [InlineData("tasks")]
    [InlineData("events")]
    public async Task Query_WithoutTenant_SeesNothing(string table)
    {
        await using var connection = await OpenAsync();

        Assert.Equal(0L, await CountAsync(connection, table));
    }

    [Theory]
    [InlineData("tenants", "id")]
    [InlineData("api_keys", "tenant")]
    [InlineData("agents", "tenant")]
    [InlineData("tasks", "tenant")]
    [InlineData("events", "tenant")]
    public async Task Query_WithTenant_SeesOnlyThatTenant(string table, string tenantColumn)
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(Cancellation);
        await SetTenantAsync(connection, "acme");

        await using var command = new NpgsqlCommand($"SELECT DISTINCT {tenantColumn} FROM {table}", connection);
        var tenants = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(Cancellation))
        {
            while (await reader.ReadAsync(Cancellation))
            {
                tenants.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["acme"], tenants);
    }

    [Fact]
    public async Task TenantSetting_EndsWithTheTransaction()
    {
        await using var connection = await OpenAsync();
        await using (var transaction = await connection.BeginTransactionAsync(Cancellation))
        {
            await SetTenantAsync(connection, "acme");
            Assert.Equal(1L, await CountAsync(connection, "tasks"));
            await transaction.CommitAsync(Cancellation);
        }

        Assert.Equal(0L, await CountAsync(connection, "tasks"));
    }

    [Fact]
    public async Task Insert_ForAnotherTenant_IsRefused()
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(Cancellation);
        await SetTenantAsync(connection, "acme");
        await using var command = new NpgsqlCommand(
            "INSERT INTO tenants (id, name, status, created_at, max_agents, max_pending_tasks, requests_per_second) VALUES ('initech', 'x', 'active', 0, 1, 1, 1)",
            connection);

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Cancellation));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task Store_ReadsThroughTheTenantScope()
    {
        await using var store = TestStores.Create(_connectionString);
        await store.InitializeAsync(Cancellation);

        var acme = await store.ListTasksAsync(new TaskQuery { Tenant = "acme" }, Cancellation);
        var events = await store.ReadEventsAsync(new EventQuery { Tenant = "globex" }, Cancellation);

        Assert.Equal("acme", Assert.Single(acme.Items).Tenant);
        Assert.Equal("globex", Assert.Single(events).Tenant);
        Assert.Equal(2, (await store.LoadTenantsAsync(Cancellation)).Count);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Cancellation);
        return connection;
    }

    private static async Task SetTenantAsync(NpgsqlConnection connection, string tenant)
    {
        await using var command = new NpgsqlCommand("SELECT set_config('agentmesh.tenant', $1, true)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string table)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync(Cancellation))!;
    }
}
