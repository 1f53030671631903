using AgentMesh.Storage;
using AgentMesh.TestKit.Storage;

namespace AgentMesh.Sqlite.Tests;

public sealed class SqliteStoreConformanceTests : MeshStoreConformanceTests
{
    private readonly TemporaryDatabase _database = new();

    protected override bool SupportsReopen => true;

    protected override Task<IMeshStore> CreateStoreAsync() => Task.FromResult<IMeshStore>(_database.CreateStore());

    protected override Task<IMeshStore> ReopenStoreAsync() => Task.FromResult<IMeshStore>(_database.CreateStore());

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}
