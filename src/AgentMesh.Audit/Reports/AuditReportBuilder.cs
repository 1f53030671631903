namespace AgentMesh.Audit;

/// <summary>Builds an <see cref="AuditReport"/> from a store in one pass over the period's entries.</summary>
public static class AuditReportBuilder
{
    /// <summary>Denials and administrative changes listed in full at most; counts always cover everything.</summary>
    public const int MaxListed = 500;

    // Encryption keys and stores are changed by the CLI's offline commands (keys rotate, keys reencrypt, migrate).
    private static readonly HashSet<string> AdminResources = new(StringComparer.Ordinal) { "tenant", "key", "encryption_key", "store" };

    private static readonly HashSet<string> AdminActions = new(StringComparer.Ordinal)
    {
        "agent.pause", "agent.resume", "agent.drain", "agent.quarantine", "agent.release", "agent.terminate", "task.retry", "task.approve", "task.reject",
    };

    public static async Task<AuditReport> BuildAsync(IAuditStore store, string? tenant, DateTimeOffset? from, DateTimeOffset? to, byte[] publicKey, TimeProvider time, CancellationToken cancellationToken)
    {
        var verification = new List<AuditVerification>();
        foreach (var chain in await store.ReadChainsAsync(cancellationToken))
        {
            verification.Add(await AuditVerifier.VerifyAsync(store, chain, 1, null, publicKey, cancellationToken));
        }

        var byOutcome = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var denialsByReason = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var access = new Dictionary<(string, string?, string, DataClassification), long[]>();
        var denials = new List<AuditEntry>();
        var admin = new List<AuditEntry>();
        var entries = 0L;
        var truncated = false;
        AuditCursor? after = null;
        do
        {
            var page = await store.QueryAsync(new AuditQuery { Tenant = tenant, From = from, To = to, Limit = 1000, After = after }, cancellationToken);
            foreach (var entry in page.Entries)
            {
                var e = entry.View;
                entries++;
                Increment(byOutcome, AuditNames.Of(e.Outcome));
                var key = (e.Actor.Type, e.Actor.Id, e.Resource.Type, e.Classification);
                if (!access.TryGetValue(key, out var counts))
                {
                    access[key] = counts = new long[3];
                }

                var write = !e.Details.TryGetValue("method", out var method) || method is not ("GET" or "HEAD");
                counts[e.Outcome == AuditOutcome.Denied ? 2 : write ? 1 : 0]++;
                if (e.Outcome == AuditOutcome.Denied)
                {
                    Increment(denialsByReason, e.Reason ?? "unknown");
                    truncated |= !Add(denials, entry);
                }
                else if (e.Outcome == AuditOutcome.Success && write && (AdminResources.Contains(e.Resource.Type) || AdminActions.Contains(e.Action)))
                {
                    truncated |= !Add(admin, entry);
                }
            }

            after = page.NextCursor is not null && AuditCursor.TryParse(page.NextCursor, out var next) ? next : null;
        }
        while (after is not null);

        var lines = access
            .Select(static a => new AuditAccessLine(a.Key.Item1, a.Key.Item2, a.Key.Item3, a.Key.Item4, a.Value[0], a.Value[1], a.Value[2]))
            .OrderByDescending(static a => a.Classification)
            .ThenBy(static a => a.ResourceType, StringComparer.Ordinal)
            .ThenByDescending(static a => a.Reads + a.Writes + a.Denied)
            .ToList();
        return new AuditReport(from, to, tenant, time.GetUtcNow(), verification, entries, byOutcome, lines, denialsByReason, denials, admin, truncated);
    }

    private static void Increment(SortedDictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static bool Add(List<AuditEntry> list, AuditEntry entry)
    {
        if (list.Count >= MaxListed)
        {
            return false;
        }

        list.Add(entry);
        return true;
    }
}
