using AgentMesh.Agents;
using AgentMesh.Tasks;
using AgentMesh.Tenants;
using AgentMesh.Validation;

namespace AgentMesh.Core.Tests.Domain;

public class ValidationRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("acme", true)]
    [InlineData("a1_b-c", true)]
    [InlineData("9lives", true)]
    [InlineData("ab", false)]
    [InlineData("-acme", false)]
    [InlineData("Acme", false)]
    [InlineData("ac me", false)]
    public void TenantId_FollowsTheRules(string id, bool valid) => Assert.Equal(valid, TenantRules.IsValidId(id));

    [Fact]
    public void TenantId_64CharactersIsTheLimit()
    {
        Assert.True(TenantRules.IsValidId(new string('a', 64)));
        Assert.False(TenantRules.IsValidId(new string('a', 65)));
    }

    [Theory]
    [InlineData("Agent_01-x", true)]
    [InlineData("ab", false)]
    [InlineData("agent.1", false)]
    [InlineData("agent/1", false)]
    public void AgentId_FollowsTheRules(string id, bool valid) => Assert.Equal(valid, AgentRules.IsValidId(id));

    [Fact]
    public void AgentId_256CharactersIsTheLimit()
    {
        Assert.True(AgentRules.IsValidId(new string('a', 256)));
        Assert.False(AgentRules.IsValidId(new string('a', 257)));
    }

    [Theory]
    [InlineData(0.99, "capabilities[0].level")]
    [InlineData(5.01, "capabilities[0].level")]
    public void Registration_LevelOutsideOneToFive_NamesTheField(double level, string field)
    {
        var errors = Validate(new AgentRegistration { Name = "a", Capabilities = [new Capability("x", level)] });

        Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public void Registration_EveryLimit_NamesItsField()
    {
        var errors = Validate(new AgentRegistration
        {
            Name = "",
            Description = new string('d', 1001),
            Capabilities = [new Capability("Bad Name", 3), new Capability("dup", 3), new Capability("dup", 3)],
            MaxConcurrency = 1001,
            Tags = [.. Enumerable.Repeat("t", 33)],
            Metadata = new Dictionary<string, string> { ["k"] = new string('v', 17 * 1024) },
            Supervisor = "a-1",
        });

        Assert.Equal(
            ["capabilities[0].name", "capabilities[2].name", "description", "maxConcurrency", "metadata", "name", "supervisor", "tags"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Registration_NoCapability_IsRefused() =>
        Assert.Contains("capabilities", Validate(new AgentRegistration { Name = "a", Capabilities = [] }).Keys);

    [Fact]
    public void Submission_EveryLimit_NamesItsField()
    {
        var errors = new FieldErrors();
        TaskRules.Validate(
            new TaskSubmission
            {
                Type = new string('t', 129),
                Priority = 6,
                Deadline = Now,
                Timeout = 3601,
                MaxAttempts = 7,
                IdempotencyKey = new string('k', 129),
                TargetAgent = "x",
                Strategy = "auction-please",
                Requirements = [new Requirement("ok", 5.5)],
                RequiredSuccessRate = 1.5,
                Labels = new Dictionary<string, string> { [""] = "v" },
            },
            Now,
            errors,
            "tasks[3]");

        Assert.Equal(
            ["tasks[3].deadline", "tasks[3].idempotencyKey", "tasks[3].labels", "tasks[3].maxAttempts", "tasks[3].priority", "tasks[3].requiredSuccessRate",
                "tasks[3].requirements[0].minLevel", "tasks[3].strategy", "tasks[3].targetAgent", "tasks[3].timeout", "tasks[3].type"],
            errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Submission_AtTheLimits_IsValid()
    {
        var errors = new FieldErrors();
        TaskRules.Validate(new TaskSubmission { Type = new string('t', 128), Priority = 5, Timeout = 3600, MaxAttempts = 6, IdempotencyKey = new string('k', 128) }, Now, errors);

        Assert.True(errors.IsEmpty);
    }

    [Fact]
    public void Submission_NulInTextStoredAsItIs_NamesEachField()
    {
        var errors = new FieldErrors();
        TaskRules.Validate(new TaskSubmission { Type = "a\0", IdempotencyKey = "\0", CorrelationId = "c\0d", Labels = new Dictionary<string, string> { ["k\0"] = "\0" } }, Now, errors);

        Assert.Equal(["correlationId", "idempotencyKey", "type"], errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Registration_NulInTextStoredAsItIs_NamesEachField()
    {
        var errors = Validate(new AgentRegistration { Name = "a\0", Type = "\0", Description = "d\0", Capabilities = [new Capability("x", 3)], Tags = ["\0"], Metadata = new Dictionary<string, string> { ["\0"] = "\0" } });

        Assert.Equal(["description", "name", "type"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Tenant_NulInName_NamesIt()
    {
        var errors = new FieldErrors();
        TenantRules.Validate("acme", "ac\0me", null, errors);

        Assert.Equal(["name"], errors.ToDictionary().Keys);
    }

    private static IReadOnlyDictionary<string, string[]> Validate(AgentRegistration registration)
    {
        var errors = new FieldErrors();
        AgentRules.Validate("a-1", registration, errors);
        return errors.ToDictionary();
    }
}
