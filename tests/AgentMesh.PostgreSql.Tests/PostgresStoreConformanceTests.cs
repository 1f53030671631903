using AgentMesh.Storage;
using AgentMesh.TestKit.Services;
using AgentMesh.TestKit.Storage;

namespace AgentMesh.PostgreSql.Tests;

public sealed class PostgresStoreConformanceTests(PostgresServer server) : MeshStoreConformanceTests
{
    private string? _connectionString;

    protected override bool SupportsReopen => true;

    protected override async Task<IMeshStore> CreateStoreAsync()
    {
        _connectionString = await server.CreateDatabaseAsync();
        return TestStores.Create(_connectionString);
    }

    protected override Task<IMeshStore> ReopenStoreAsync() => Task.FromResult<IMeshStore>(TestStores.Create(_connectionString!));
}
