using AgentMesh.Events;
using AgentMesh.Nats.Outbox;
using AgentMesh.Tenants;

namespace AgentMesh.Nats.Tests;

public class NatsSubjectsTests
{
    [Theory]
    [InlineData("acme", EventTypes.TaskSucceeded, "agentmesh.acme.task.succeeded")]
    [InlineData("t-1_x", EventTypes.TaskAttemptFailed, "agentmesh.t-1_x.task.attempt_failed")]
    [InlineData("_system", EventTypes.KeyCreated, "agentmesh._system.key.created")]
    [InlineData("acme", "custom.thing", "agentmesh.acme.custom.thing")]
    public void For_TenantAndType_IsRootTenantThenShortType(string tenant, string type, string subject) =>
        Assert.Equal(subject, NatsSubjects.For(tenant, type));

    [Theory]
    [InlineData("a.b")]
    [InlineData("a*b")]
    [InlineData("a>b")]
    [InlineData("a b")]
    [InlineData("a\tb")]
    public void For_TenantWithTokenBreakingCharacter_StaysOneToken(string tenant)
    {
        var subject = NatsSubjects.For(tenant, EventTypes.TaskQueued);

        Assert.Equal("agentmesh.a_b.task.queued", subject);
    }

    [Fact]
    public void TenantRules_EveryValidId_IsOneSubjectToken()
    {
        foreach (var c in Enumerable.Range(0, 128).Select(static i => (char)i))
        {
            var id = "ab" + c;
            if (TenantRules.IsValidId(id))
            {
                Assert.Equal($"agentmesh.{id}.task.queued", NatsSubjects.For(id, EventTypes.TaskQueued));
                Assert.DoesNotContain(c, ".*> \t\r\n");
            }
        }
    }
}
