namespace AgentMesh.Audit.Tests;

public class AuditAlertRulesTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Evaluate_KeyCreatedOrRevoked_RaisesSensitiveAction()
    {
        var rules = new AuditAlertRules(new AuditAlertOptions());

        var created = rules.Evaluate(Entry(1, "key.create", AuditOutcome.Success, null, Start));
        var denied = rules.Evaluate(Entry(2, "key.delete", AuditOutcome.Denied, "forbidden", Start));
        var read = rules.Evaluate(Entry(3, "task.read", AuditOutcome.Success, null, Start));

        Assert.Equal("sensitive_action", created?.Rule);
        Assert.Null(denied);
        Assert.Null(read);
    }

    [Fact]
    public void Evaluate_FifthAuthFailureFromOneAddressInAMinute_RaisesOnceThenStaysQuiet()
    {
        var rules = new AuditAlertRules(new AuditAlertOptions());

        var alerts = Enumerable.Range(0, 12)
            .Select(i => rules.Evaluate(Entry(i + 1, "task.list", AuditOutcome.Denied, "unauthenticated", Start.AddSeconds(i * 5))))
            .Select(static (alert, i) => (alert, i))
            .Where(static a => a.alert is not null)
            .ToList();

        var alert = Assert.Single(alerts);
        Assert.Equal(4, alert.i);
        Assert.Equal("repeated_auth_failures", alert.alert!.Rule);
    }

    [Fact]
    public void Evaluate_AuthFailuresSpreadBeyondTheWindow_RaiseNothing()
    {
        var rules = new AuditAlertRules(new AuditAlertOptions());

        var alerts = Enumerable.Range(0, 10).Select(i => rules.Evaluate(Entry(i + 1, "task.list", AuditOutcome.Denied, "unauthenticated", Start.AddSeconds(i * 20))));

        Assert.All(alerts, Assert.Null);
    }

    private static AuditEntry Entry(long sequence, string action, AuditOutcome outcome, string? reason, DateTimeOffset time) =>
        new("node-a", sequence, AuditSamples.Event(1) with { Action = action, Outcome = outcome, Reason = reason, Time = time }, new byte[32], new byte[32]);
}
