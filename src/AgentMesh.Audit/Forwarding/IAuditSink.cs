namespace AgentMesh.Audit;

/// <summary>Somewhere audit entries are delivered to: a syslog collector, a webhook. Delivery is at least once.</summary>
public interface IAuditSink
{
    /// <summary>A stable name: the key of the sink's delivery cursor.</summary>
    string Name { get; }

    /// <summary>Delivers the entries, in order; throws when they were not all accepted.</summary>
    Task SendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken);
}
