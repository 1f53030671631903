using System.Globalization;
using System.Text;

namespace AgentMesh.Audit;

/// <summary>A filter over audit entries; null fields do not filter. <see cref="To"/> is exclusive.</summary>
public sealed record AuditQuery
{
    public string? Tenant { get; init; }

    public string? ActorId { get; init; }

    /// <summary>The lookup tag of <see cref="ActorId"/> (<see cref="AuditSubjects.Tag"/>): entries whose sealed actor carries it match too.</summary>
    public string? ActorSubject { get; init; }

    public string? Action { get; init; }

    public string? ResourceType { get; init; }

    public string? ResourceId { get; init; }

    public AuditOutcome? Outcome { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public int Limit { get; init; } = 100;

    public AuditCursor? After { get; init; }

    public bool Matches(AuditEntry entry)
    {
        var e = entry.Event;
        return (Tenant is null || e.Tenant == Tenant)
            && (ActorId is null || e.Actor.Id == ActorId || (ActorSubject is not null && AuditSubjects.TagOf(e) == ActorSubject))
            && (Action is null || e.Action == Action)
            && (ResourceType is null || e.Resource.Type == ResourceType)
            && (ResourceId is null || e.Resource.Id == ResourceId)
            && (Outcome is null || e.Outcome == Outcome)
            && (From is null || e.Time >= From)
            && (To is null || e.Time < To)
            && (After is null || After.Value < AuditCursor.Of(entry));
    }
}

/// <summary>A page of entries and the cursor of the next page, if there may be one.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, string? NextCursor);

/// <summary>A position in the global order of entries: time (microseconds), chain, sequence.</summary>
public readonly record struct AuditCursor(long TimeMicroseconds, string Chain, long Sequence) : IComparable<AuditCursor>
{
    public static AuditCursor Of(AuditEntry entry) => new(AuditEncoding.ToMicroseconds(entry.Event.Time), entry.Chain, entry.Sequence);

    public int CompareTo(AuditCursor other)
    {
        var byTime = TimeMicroseconds.CompareTo(other.TimeMicroseconds);
        if (byTime != 0)
        {
            return byTime;
        }

        var byChain = string.CompareOrdinal(Chain, other.Chain);
        return byChain != 0 ? byChain : Sequence.CompareTo(other.Sequence);
    }

    public static bool operator <(AuditCursor left, AuditCursor right) => left.CompareTo(right) < 0;

    public static bool operator <=(AuditCursor left, AuditCursor right) => left.CompareTo(right) <= 0;

    public static bool operator >(AuditCursor left, AuditCursor right) => left.CompareTo(right) > 0;

    public static bool operator >=(AuditCursor left, AuditCursor right) => left.CompareTo(right) >= 0;

    public string Encode() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{TimeMicroseconds}|{Sequence}|{Chain}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryParse(string? text, out AuditCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > 512)
        {
            return false;
        }

        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('|', 3);
            if (parts.Length == 3
                && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var time)
                && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var sequence)
                && parts[2].Length > 0)
            {
                cursor = new AuditCursor(time, parts[2], sequence);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
