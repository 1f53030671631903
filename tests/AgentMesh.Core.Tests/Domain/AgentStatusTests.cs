using AgentMesh.Agents;
using AgentMesh.Engine;
using AgentMesh.Routing;
using AgentMesh.Tenants;

namespace AgentMesh.Core.Tests.Domain;

public class AgentStatusTests
{
    private static LiveAgent Agent(AgentAdminState state = AgentAdminState.Active, int slots = 2)
    {
        var now = DateTimeOffset.UnixEpoch;
        var tenant = new TenantState(new Tenant { Id = "acme", Name = "acme", CreatedAt = now }, RoutingWeights.Default);
        return new LiveAgent(new AgentRecord { Tenant = "acme", Id = "a-1", Name = "a", Capabilities = [new Capability("x", 3)], MaxConcurrency = slots, AdminState = state, CreatedAt = now, UpdatedAt = now }, tenant);
    }

    [Fact]
    public void Status_NeverConnected_IsOffline() => Assert.Equal(AgentStatus.Offline, Agent().Status);

    [Fact]
    public void Status_ConnectedWithFreeSlot_IsAvailableAndEligible()
    {
        var agent = Agent();
        agent.Connected = true;

        Assert.Equal(AgentStatus.Available, agent.Status);
        Assert.True(agent.Eligible);
    }

    [Fact]
    public void Status_AllSlotsUsed_IsBusyAndNotEligible()
    {
        var agent = Agent(slots: 1);
        agent.Connected = true;
        agent.Leases.Add(Guid.NewGuid());

        Assert.Equal(AgentStatus.Busy, agent.Status);
        Assert.False(agent.Eligible);
    }

    [Fact]
    public void Status_WasConnectedThenSilent_IsUnhealthy()
    {
        var agent = Agent();
        agent.WasConnected = true;

        Assert.Equal(AgentStatus.Unhealthy, agent.Status);
    }

    [Theory]
    [InlineData(AgentAdminState.Paused, AgentStatus.Paused)]
    [InlineData(AgentAdminState.Quarantined, AgentStatus.Quarantined)]
    [InlineData(AgentAdminState.Terminated, AgentStatus.Terminated)]
    public void Status_OperatorStates_WinOverConnectionAndAreNeverEligible(AgentAdminState state, AgentStatus expected)
    {
        var agent = Agent(state);
        agent.Connected = true;

        Assert.Equal(expected, agent.Status);
        Assert.False(agent.Eligible);
    }

    [Fact]
    public void Status_Draining_IsDrainingWhileBusyThenOffline()
    {
        var agent = Agent(AgentAdminState.Draining);
        agent.Connected = true;
        agent.Leases.Add(Guid.NewGuid());
        var whileBusy = agent.Status;
        agent.Leases.Clear();

        Assert.Equal(AgentStatus.Draining, whileBusy);
        Assert.Equal(AgentStatus.Offline, agent.Status);
        Assert.False(agent.Eligible);
    }

    [Fact]
    public void SuccessRate_CountsOnlyTheLast100Outcomes()
    {
        var agent = Agent();
        for (var i = 0; i < 100; i++)
        {
            agent.RecordOutcome(success: false, latencyMs: null);
        }

        for (var i = 0; i < 50; i++)
        {
            agent.RecordOutcome(success: true, latencyMs: null);
        }

        Assert.Equal(0.5, agent.SuccessRate, precision: 10);
    }

    [Fact]
    public void SuccessRate_WithNoHistory_IsOne() => Assert.Equal(1.0, Agent().SuccessRate);
}
