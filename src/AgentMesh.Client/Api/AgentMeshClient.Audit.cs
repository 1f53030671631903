using System.Text;
using System.Text.Json;

namespace AgentMesh.Client;

public sealed partial class AgentMeshClient
{
    /// <summary>
    /// A page of audit entries (<c>{ items, nextCursor }</c>, entries as documented in docs/audit.md). With a tenant,
    /// that tenant's entries (auditor or system administrator); without, every tenant's (system administrator).
    /// Filters: <c>actor</c>, <c>action</c>, <c>resourceType</c>, <c>resourceId</c>, <c>outcome</c>, <c>from</c>,
    /// <c>to</c>, <c>limit</c>, <c>cursor</c> (and <c>tenant</c> without a tenant).
    /// </summary>
    public async Task<JsonElement> QueryAuditAsync(string? tenant, IEnumerable<KeyValuePair<string, string?>> filters, CancellationToken cancellationToken = default)
    {
        using var response = await GetAuditAsync(tenant, "entries", filters, cancellationToken);
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return document.RootElement.Clone();
    }

    /// <summary>Recomputes every chain of the node (or one) over a range; system administrators only.</summary>
    public async Task<JsonElement> VerifyAuditAsync(IEnumerable<KeyValuePair<string, string?>> range, CancellationToken cancellationToken = default)
    {
        using var response = await GetAuditAsync(null, "verify", range, cancellationToken);
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return document.RootElement.Clone();
    }

    /// <summary>Copies an export (JSON lines with the signing key, checkpoints and inclusion proofs) to <paramref name="destination"/>.</summary>
    public async Task ExportAuditAsync(string? tenant, IEnumerable<KeyValuePair<string, string?>> filters, Stream destination, CancellationToken cancellationToken = default)
    {
        using var response = await GetAuditAsync(tenant, "export", filters, cancellationToken);
        await response.Content.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>
    /// The compliance report for a period (<c>from</c>, <c>to</c>) as <c>json</c>, <c>markdown</c> or <c>html</c> text: chain
    /// verification, who accessed what, denials and administrative changes.
    /// </summary>
    public async Task<string> GetAuditReportAsync(string? tenant, IEnumerable<KeyValuePair<string, string?>> query, CancellationToken cancellationToken = default)
    {
        using var response = await GetAuditAsync(tenant, "report", query, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>
    /// Erases a data subject from the audit log (system administrators): the key its personal fields are sealed under
    /// is deleted, so they read as erased for good while every chain still verifies. Answers <c>{ subjectTag, erased }</c>.
    /// </summary>
    public async Task<JsonElement> EraseAuditSubjectAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("subject", subject);
            json.WriteEndObject();
        }

        using var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(new Uri("v1/audit/erasures", UriKind.Relative), content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemReader.ReadAsync(response, cancellationToken);
        }

        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return document.RootElement.Clone();
    }

    private async Task<HttpResponseMessage> GetAuditAsync(string? tenant, string resource, IEnumerable<KeyValuePair<string, string?>> query, CancellationToken cancellationToken)
    {
        var path = new StringBuilder(tenant is null ? "v1/audit/" : TenantPath(tenant) + "/audit/").Append(resource);
        var separator = '?';
        foreach (var (name, value) in query)
        {
            if (!string.IsNullOrEmpty(value))
            {
                path.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
                separator = '&';
            }
        }

        var response = await _http.GetAsync(new Uri(path.ToString(), UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ProblemReader.ReadAsync(response, cancellationToken);
            }
        }

        return response;
    }
}
