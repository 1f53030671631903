namespace AgentMesh.Audit;

/// <summary>
/// One entry of an audit chain as stored: what happened (<see cref="AuditEvent"/>), where it sits in its chain
/// (<see cref="Chain"/>, <see cref="Sequence"/>, from 1) and the chain hashes: <see cref="Hash"/> is SHA-256 over
/// <see cref="PreviousHash"/> followed by the canonical encoding of the entry (<see cref="AuditEncoding"/>).
/// Personal fields are stored sealed under their subject's key (<see cref="AuditSubjects"/>), and the hash covers them sealed;
/// <see cref="Opened"/> holds the same event with those fields opened (or marked erased) when it was read for display.
/// </summary>
public sealed record AuditEntry(string Chain, long Sequence, AuditEvent Event, byte[] PreviousHash, byte[] Hash)
{
    /// <summary>The event with personal fields opened, <see cref="AuditSubjects.Erased"/> where the subject was erased; null when not opened.</summary>
    public AuditEvent? Opened { get; init; }

    /// <summary>What a reader sees: <see cref="Opened"/> when set, otherwise the event as stored.</summary>
    public AuditEvent View => Opened ?? Event;
}

/// <summary>What is recorded about one audited action. <see cref="Time"/> is kept to the microsecond.</summary>
public sealed record AuditEvent(
    DateTimeOffset Time,
    string? Tenant,
    AuditActor Actor,
    string Action,
    AuditResource Resource,
    AuditOutcome Outcome,
    string? Reason,
    string? RequestId,
    string? TraceId,
    DataClassification Classification,
    IReadOnlyDictionary<string, string> Details)
{
    /// <summary>No details.</summary>
    public static IReadOnlyDictionary<string, string> NoDetails { get; } = new Dictionary<string, string>();
}

/// <summary>Who acted: a type (<c>api_key</c>, <c>token</c>, <c>anonymous</c>, <c>system</c>), an id, and where from.</summary>
public sealed record AuditActor(string Type, string? Id, string? Ip, string? UserAgent);

/// <summary>What was acted on: a type (<c>task</c>, <c>agent</c>, <c>key</c>, …) and an id when there is one.</summary>
public sealed record AuditResource(string Type, string? Id);

/// <summary>How an audited action ended.</summary>
public enum AuditOutcome
{
    Success,
    Denied,
    Failed,
}

/// <summary>How sensitive the data touched by an action is.</summary>
public enum DataClassification
{
    Public,
    Internal,
    Confidential,
    Restricted,
}
