using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace AgentMesh.Audit;

/// <summary>An <see cref="AuditReport"/> as JSON (for tools), Markdown (for a ticket or a review) or HTML (to print).</summary>
public static class AuditReportFormat
{
    public static void WriteJson(Utf8JsonWriter json, AuditReport report)
    {
        json.WriteStartObject();
        json.WriteString("from", report.From?.ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("to", report.To?.ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("tenant", report.Tenant);
        json.WriteString("generatedAt", report.GeneratedAt.ToString("O", CultureInfo.InvariantCulture));
        json.WriteStartObject("verification");
        json.WriteBoolean("intact", report.ChainsIntact);
        json.WriteStartArray("chains");
        foreach (var v in report.Verification)
        {
            v.WriteTo(json);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteNumber("entries", report.Entries);
        WriteCounts(json, "byOutcome", report.ByOutcome);
        json.WriteStartArray("access");
        foreach (var a in report.Access)
        {
            json.WriteStartObject();
            json.WriteString("actorType", a.ActorType);
            json.WriteString("actorId", a.ActorId);
            json.WriteString("resourceType", a.ResourceType);
            json.WriteString("classification", AuditNames.Of(a.Classification));
            json.WriteNumber("reads", a.Reads);
            json.WriteNumber("writes", a.Writes);
            json.WriteNumber("denied", a.Denied);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteCounts(json, "denialsByReason", report.DenialsByReason);
        WriteEntries(json, "denials", report.Denials);
        WriteEntries(json, "adminChanges", report.AdminChanges);
        json.WriteBoolean("truncated", report.Truncated);
        json.WriteEndObject();
    }

    public static string Markdown(AuditReport report)
    {
        var md = new StringBuilder();
        md.Append("# Audit report").Append('\n').Append('\n');
        md.Append(CultureInfo.InvariantCulture, $"- Period: {Time(report.From) ?? "the beginning"} – {Time(report.To) ?? "now"}\n");
        md.Append(CultureInfo.InvariantCulture, $"- Tenant: {report.Tenant ?? "all"}\n");
        md.Append(CultureInfo.InvariantCulture, $"- Generated: {Time(report.GeneratedAt)}\n");
        md.Append(CultureInfo.InvariantCulture, $"- Entries: {report.Entries} ({string.Join(", ", report.ByOutcome.Select(static o => $"{o.Value} {o.Key}"))})\n\n");
        md.Append("## Chain verification\n\n| chain | result | entries | checkpoints |\n|---|---|---:|---:|\n");
        foreach (var v in report.Verification)
        {
            var result = v.Intact ? "intact" : $"**broken at {v.BrokenAt}: {AuditVerification.NameOf(v.Cause)}** — {v.Detail}";
            md.Append(CultureInfo.InvariantCulture, $"| {Cell(v.Chain)} | {Cell(result)} | {v.EntriesChecked} | {v.CheckpointsChecked} |\n");
        }

        md.Append("\n## Who accessed what\n\n| actor | resource | classification | reads | writes | denied |\n|---|---|---|---:|---:|---:|\n");
        foreach (var a in report.Access)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {Cell($"{a.ActorType}:{a.ActorId ?? "-"}")} | {Cell(a.ResourceType)} | {AuditNames.Of(a.Classification)} | {a.Reads} | {a.Writes} | {a.Denied} |\n");
        }

        md.Append("\n## Denials\n\n");
        md.Append(report.DenialsByReason.Count == 0 ? "None.\n" : string.Join(", ", report.DenialsByReason.Select(static d => $"{d.Value} {d.Key}")) + "\n");
        AppendEntries(md, report.Denials);
        md.Append("\n## Administrative changes\n\n");
        if (report.AdminChanges.Count == 0)
        {
            md.Append("None.\n");
        }

        AppendEntries(md, report.AdminChanges);
        if (report.Truncated)
        {
            md.Append(CultureInfo.InvariantCulture, $"\nLists stop at {AuditReportBuilder.MaxListed} entries; the counts cover the whole period.\n");
        }

        return md.ToString();
    }

    public static string Html(AuditReport report)
    {
        var html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Audit report</title>"
            + "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style></head><body>\n");
        foreach (var line in Markdown(report).Split('\n'))
        {
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                html.Append("<h1>").Append(WebUtility.HtmlEncode(line[2..])).Append("</h1>\n");
            }
            else if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                html.Append("<h2>").Append(WebUtility.HtmlEncode(line[3..])).Append("</h2>\n");
            }
            else if (line.StartsWith("|---", StringComparison.Ordinal))
            {
                continue;
            }
            else if (line.StartsWith('|'))
            {
                html.Append("<table><tr>");
                foreach (var cell in line.Trim('|').Split(" | "))
                {
                    html.Append("<td>").Append(WebUtility.HtmlEncode(cell.Trim().Replace("\\|", "|", StringComparison.Ordinal).Replace("**", "", StringComparison.Ordinal))).Append("</td>");
                }

                html.Append("</tr></table>\n");
            }
            else if (line.Length > 0)
            {
                html.Append("<p>").Append(WebUtility.HtmlEncode(line.TrimStart('-', ' '))).Append("</p>\n");
            }
        }

        return html.Append("</body></html>\n").ToString().Replace("</table>\n<table>", "", StringComparison.Ordinal);
    }

    private static void AppendEntries(StringBuilder md, IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        md.Append("\n| time | chain/seq | tenant | actor | action | resource | outcome | reason |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var entry in entries)
        {
            var e = entry.View;
            md.Append(CultureInfo.InvariantCulture, $"| {Time(e.Time)} | {Cell(entry.Chain)}/{entry.Sequence} | {Cell(e.Tenant ?? "-")} | {Cell($"{e.Actor.Type}:{e.Actor.Id ?? "-"}")} | {Cell(e.Action)} | {Cell($"{e.Resource.Type}/{e.Resource.Id ?? "-"}")} | {AuditNames.Of(e.Outcome)} | {Cell(e.Reason ?? "")} |\n");
        }
    }

    private static void WriteCounts(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, long> counts)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in counts)
        {
            json.WriteNumber(key, value);
        }

        json.WriteEndObject();
    }

    private static void WriteEntries(Utf8JsonWriter json, string name, IReadOnlyList<AuditEntry> entries)
    {
        json.WriteStartArray(name);
        foreach (var entry in entries)
        {
            AuditJson.WriteEntry(json, entry);
        }

        json.WriteEndArray();
    }

    private static string? Time(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Cell(string value) => value.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
