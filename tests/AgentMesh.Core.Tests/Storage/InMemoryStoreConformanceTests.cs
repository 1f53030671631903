using AgentMesh.Storage;
using AgentMesh.TestKit.Storage;

namespace AgentMesh.Core.Tests.Storage;

public sealed class InMemoryStoreConformanceTests : MeshStoreConformanceTests
{
    protected override bool SupportsReopen => false;

    protected override Task<IMeshStore> CreateStoreAsync() => Task.FromResult<IMeshStore>(new InMemoryMeshStore());
}
