namespace AgentMesh.Audit;

/// <summary>
/// A compliance report for a period: whether every chain verifies, who accessed what (by actor, resource type and
/// classification), the denials, and the administrative changes. Built by <see cref="AuditReportBuilder"/>.
/// </summary>
public sealed record AuditReport(
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Tenant,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<AuditVerification> Verification,
    long Entries,
    IReadOnlyDictionary<string, long> ByOutcome,
    IReadOnlyList<AuditAccessLine> Access,
    IReadOnlyDictionary<string, long> DenialsByReason,
    IReadOnlyList<AuditEntry> Denials,
    IReadOnlyList<AuditEntry> AdminChanges,
    bool Truncated)
{
    public bool ChainsIntact => Verification.All(static v => v.Intact);
}

/// <summary>How often one actor read or changed one kind of resource in the period.</summary>
public sealed record AuditAccessLine(string ActorType, string? ActorId, string ResourceType, DataClassification Classification, long Reads, long Writes, long Denied);
