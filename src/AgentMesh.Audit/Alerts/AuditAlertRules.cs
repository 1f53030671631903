namespace AgentMesh.Audit;

/// <summary>An alert: the rule that fired and the entry that made it fire.</summary>
public sealed record AuditAlert(string Rule, string Summary, AuditEntry Entry);

/// <summary>
/// Decides which entries raise alerts: a listed action that succeeded, or the N-th authentication failure from one
/// address within the window (then quiet for that address until the window passes). One instance, one thread.
/// </summary>
public sealed class AuditAlertRules(AuditAlertOptions options)
{
    private readonly HashSet<string> _actions = new(options.Actions, StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _quietUntil = new(StringComparer.Ordinal);

    public AuditAlert? Evaluate(AuditEntry entry)
    {
        var e = entry.View;
        if (e.Outcome == AuditOutcome.Success && _actions.Contains(e.Action))
        {
            return new AuditAlert("sensitive_action", $"{e.Action} of {e.Resource.Type} '{e.Resource.Id}' by {e.Actor.Type} '{e.Actor.Id}' in tenant '{e.Tenant}'", entry);
        }

        if (e.Outcome != AuditOutcome.Denied || e.Reason != "unauthenticated")
        {
            return null;
        }

        var source = e.Actor.Ip ?? "unknown";
        if (!_failures.TryGetValue(source, out var times))
        {
            _failures[source] = times = new Queue<DateTimeOffset>();
        }

        times.Enqueue(e.Time);
        while (times.Count > 0 && e.Time - times.Peek() > options.AuthFailureWindow)
        {
            times.Dequeue();
        }

        if (times.Count < options.AuthFailureThreshold || (_quietUntil.TryGetValue(source, out var quiet) && e.Time < quiet))
        {
            return null;
        }

        _quietUntil[source] = e.Time + options.AuthFailureWindow;
        return new AuditAlert("repeated_auth_failures", $"{times.Count} authentication failures from {source} within {options.AuthFailureWindow.TotalSeconds:0} s", entry);
    }
}
