using AgentMesh.Agents;
using AgentMesh.Keys;
using AgentMesh.Storage;
using AgentMesh.Tenants;

namespace AgentMesh.TestKit.Storage;

public abstract partial class MeshStoreConformanceTests
{
    [Fact]
    public async Task PingAsync_OpenStore_ReturnsTrue()
    {
        Assert.True(await Store.PingAsync(Cancellation));
    }

    [Fact]
    public async Task LoadTenantsAsync_AfterCommit_ReturnsEqualTenants()
    {
        var acme = MeshSamples.Tenant("acme");
        var globex = MeshSamples.Tenant("globex") with { Status = TenantStatus.Suspended, Quotas = new TenantQuotas(5, 70, 9) };
        await CommitAsync(new ChangeSet().Put(acme).Put(globex));

        var tenants = await Store.LoadTenantsAsync(Cancellation);

        Assert.Equal([acme, globex], tenants.OrderBy(t => t.Id, StringComparer.Ordinal));
    }

    [Fact]
    public async Task LoadTenantsAsync_TenantPutAgain_ReturnsLatest()
    {
        var acme = MeshSamples.Tenant("acme");
        var suspended = acme with { Name = "Acme Corp", Status = TenantStatus.Suspended };
        await CommitAsync(new ChangeSet().Put(acme));
        await CommitAsync(new ChangeSet().Put(suspended));

        var tenants = await Store.LoadTenantsAsync(Cancellation);

        Assert.Equal(suspended, Assert.Single(tenants));
    }

    [Fact]
    public async Task LoadKeysAsync_AfterCommit_ReturnsEqualKeys()
    {
        var system = MeshSamples.Key("key-system", tenant: null) with { Roles = [Roles.SystemAdmin] };
        var agent = MeshSamples.Key("key-agent") with { Roles = [Roles.Agent], AgentId = "agent-1" };
        var revoked = MeshSamples.Key("key-revoked") with { RevokedAt = MeshSamples.Epoch.AddDays(1).AddTicks(77) };
        await CommitAsync(new ChangeSet().Put(system).Put(agent).Put(revoked));

        var keys = (await Store.LoadKeysAsync(Cancellation)).OrderBy(k => k.Id, StringComparer.Ordinal).ToList();

        Assert.Equal(3, keys.Count);
        MeshAssert.Equal(agent, keys[0]);
        MeshAssert.Equal(revoked, keys[1]);
        MeshAssert.Equal(system, keys[2]);
    }

    [Fact]
    public async Task LoadKeysAsync_KeyRevokedLater_ReturnsRevokedKey()
    {
        var key = MeshSamples.Key("key-1");
        var revoked = key with { RevokedAt = MeshSamples.Epoch.AddHours(2) };
        await CommitAsync(new ChangeSet().Put(key));
        await CommitAsync(new ChangeSet().Put(revoked));

        var keys = await Store.LoadKeysAsync(Cancellation);

        MeshAssert.Equal(revoked, Assert.Single(keys));
    }

    [Fact]
    public async Task LoadAgentsAsync_AfterCommit_ReturnsEqualAgents()
    {
        var full = MeshSamples.Agent("agent-full");
        var bare = new AgentRecord
        {
            Tenant = "acme",
            Id = "agent-bare",
            Name = "Bare",
            Capabilities = [new Capability("echo", 1.0)],
            CreatedAt = MeshSamples.Epoch,
            UpdatedAt = MeshSamples.Epoch,
        };
        await CommitAsync(new ChangeSet().Put(full).Put(bare));

        var agents = (await Store.LoadAgentsAsync(Cancellation)).OrderBy(a => a.Id, StringComparer.Ordinal).ToList();

        Assert.Equal(2, agents.Count);
        MeshAssert.Equal(bare, agents[0]);
        MeshAssert.Equal(full, agents[1]);
    }

    [Fact]
    public async Task LoadAgentsAsync_SameIdInTwoTenants_KeepsBoth()
    {
        var inAcme = MeshSamples.Agent("agent-1", "acme");
        var inGlobex = MeshSamples.Agent("agent-1", "globex") with { Name = "Globex agent" };
        await CommitAsync(new ChangeSet().Put(inAcme).Put(inGlobex));

        var agents = (await Store.LoadAgentsAsync(Cancellation)).OrderBy(a => a.Tenant, StringComparer.Ordinal).ToList();

        Assert.Equal(2, agents.Count);
        MeshAssert.Equal(inAcme, agents[0]);
        MeshAssert.Equal(inGlobex, agents[1]);
    }

    [Fact]
    public async Task LoadAgentsAsync_AgentPutAgain_ReturnsLatest()
    {
        var agent = MeshSamples.Agent("agent-1");
        var terminated = agent with { AdminState = AgentAdminState.Terminated, Tags = [], UpdatedAt = agent.UpdatedAt.AddTicks(1), Version = agent.Version + 1 };
        await CommitAsync(new ChangeSet().Put(agent));
        await CommitAsync(new ChangeSet().Put(terminated));

        var agents = await Store.LoadAgentsAsync(Cancellation);

        MeshAssert.Equal(terminated, Assert.Single(agents));
    }
}
