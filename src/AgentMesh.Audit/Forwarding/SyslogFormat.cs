using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AgentMesh.Audit;

/// <summary>
/// An entry as an RFC 5424 syslog message: <c>&lt;PRI&gt;1 TIMESTAMP HOST agentmesh - ACTION [agentmesh@32473 …] BOM JSON</c>.
/// Severity follows the outcome (success 6 informational, failed 5 notice, denied 4 warning); the message is the
/// entry's JSON (as in exports), so a SIEM can re-verify its hash.
/// </summary>
public static class SyslogFormat
{
    /// <summary>The SD-ID of the structured data; 32473 is the enterprise number RFC 5612 reserves for documentation.</summary>
    public const string StructuredDataId = "agentmesh@32473";

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    public static byte[] Message(AuditEntry entry, int facility)
    {
        var e = entry.Event;
        var severity = e.Outcome switch
        {
            AuditOutcome.Success => 6,
            AuditOutcome.Failed => 5,
            _ => 4,
        };
        var header = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<{(facility * 8) + severity}>1 ")
            .Append(e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)).Append(' ')
            .Append(Token(entry.Chain, 255)).Append(" agentmesh - ")
            .Append(Token(e.Action, 32)).Append(' ')
            .Append('[').Append(StructuredDataId)
            .Append(" chain=\"").Append(Param(entry.Chain)).Append('"')
            .Append(CultureInfo.InvariantCulture, $" seq=\"{entry.Sequence}\"")
            .Append(" tenant=\"").Append(Param(e.Tenant ?? "")).Append('"')
            .Append(" outcome=\"").Append(AuditNames.Of(e.Outcome)).Append('"')
            .Append(" hash=\"").Append(Convert.ToHexStringLower(entry.Hash)).Append("\"] ")
            .ToString();
        var body = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(body))
        {
            AuditJson.WriteEntry(json, entry);
        }

        return [.. Encoding.UTF8.GetBytes(header), .. Bom, .. body.WrittenSpan];
    }

    /// <summary>RFC 6587 octet counting: the message length, a space, the message.</summary>
    public static byte[] Frame(byte[] message) => [.. Encoding.ASCII.GetBytes(message.Length.ToString(CultureInfo.InvariantCulture) + " "), .. message];

    // Header fields are printable US-ASCII without spaces; anything else becomes '_' and an empty value '-'.
    private static string Token(string value, int max)
    {
        if (value.Length == 0)
        {
            return "-";
        }

        var chars = value.Length > max ? value[..max].ToCharArray() : value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is < '!' or > '~')
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    private static string Param(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal);
}
