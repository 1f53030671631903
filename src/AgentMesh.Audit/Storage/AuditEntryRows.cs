using System.Data.Common;

namespace AgentMesh.Audit;

/// <summary>
/// An audit row as every store selects it: chain, sequence, time (µs), tenant, actor type, id, ip, user agent, action,
/// resource type, id, outcome, reason, request id, trace id, classification, details (JSON), previous hash, hash.
/// </summary>
public static class AuditEntryRows
{
    /// <summary>Reads a row as stored; values that do not parse are kept in a form that makes the entry's hash fail rather than throwing.</summary>
    public static AuditEntry Read(DbDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);

        // An unknown spelling becomes a value no writer produces, so the entry's hash fails instead of matching by accident.
        var outcome = AuditNames.TryParseOutcome(reader.GetString(11), out var parsedOutcome) ? parsedOutcome : (AuditOutcome)byte.MaxValue;
        var classification = AuditNames.TryParseClassification(reader.GetString(15), out var parsedClass) ? parsedClass : (DataClassification)byte.MaxValue;
        var e = new AuditEvent(
            AuditEncoding.FromMicroseconds(reader.GetInt64(2)),
            Text(reader, 3),
            new AuditActor(reader.GetString(4), Text(reader, 5), Text(reader, 6), Text(reader, 7)),
            reader.GetString(8),
            new AuditResource(reader.GetString(9), Text(reader, 10)),
            outcome,
            Text(reader, 12),
            Text(reader, 13),
            Text(reader, 14),
            classification,
            AuditDetailsText.Parse(reader.GetString(16)));
        return new AuditEntry(reader.GetString(0), reader.GetInt64(1), e, reader.GetFieldValue<byte[]>(17), reader.GetFieldValue<byte[]>(18));
    }

    /// <summary>Runs a query that selects up to <paramref name="limit"/> + 1 rows in order: the first <paramref name="limit"/>, and a cursor when there are more.</summary>
    public static async Task<AuditPage> ReadPageAsync(DbCommand command, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var entries = new List<AuditEntry>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(Read(reader));
            }
        }

        var more = entries.Count > limit;
        var page = more ? entries[..limit] : entries;
        return new AuditPage(page, more ? AuditCursor.Of(page[^1]).Encode() : null);
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
