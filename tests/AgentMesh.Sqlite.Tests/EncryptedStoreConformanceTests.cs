using AgentMesh.Storage;
using AgentMesh.TestKit.Storage;

namespace AgentMesh.Sqlite.Tests;

/// <summary>The whole store contract again, with task input and output encrypted on the way in and out.</summary>
public sealed class EncryptedStoreConformanceTests : MeshStoreConformanceTests
{
    private readonly TemporaryDatabase _database = new();

    protected override bool SupportsReopen => true;

    protected override Task<IMeshStore> CreateStoreAsync() => Task.FromResult<IMeshStore>(_database.CreateStore(Keyrings.OnlyFirst()));

    protected override Task<IMeshStore> ReopenStoreAsync() => Task.FromResult<IMeshStore>(_database.CreateStore(Keyrings.OnlyFirst()));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}
