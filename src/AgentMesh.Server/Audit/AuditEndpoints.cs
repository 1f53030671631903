using System.Globalization;
using System.Text.Json;
using AgentMesh.Audit;
using AgentMesh.Server.Http;
using AgentMesh.Server.Security;
using AgentMesh.Validation;

namespace AgentMesh.Server.Audit;

/// <summary>
/// The audit log over HTTP: query and export (JSON lines with proofs) per tenant for auditors, across tenants and
/// verification of every chain for system administrators. Each call is itself audited.
/// </summary>
internal static class AuditEndpoints
{
    public const int MaxLimit = 1000;

    public const int MaxSubjectLength = 256;

    public static void MapAudit(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Audit").RequireAccess(Access.SystemAdmin);
        audit.MapGet("/entries", static (HttpContext http, IAuditStore store, AuditAppender appender, CancellationToken ct) => QueryAsync(http, store, appender, null, ct))
            .AuditedAs("audit.query", "audit", DataClassification.Restricted);
        audit.MapGet("/export", static (HttpContext http, IAuditStore store, AuditAppender appender, CancellationToken ct) => ExportAsync(http, store, appender, null, ct))
            .AuditedAs("audit.export", "audit", DataClassification.Restricted);
        audit.MapGet("/verify", VerifyAsync).AuditedAs("audit.verify", "audit", DataClassification.Internal);
        audit.MapGet("/consistency", ConsistencyAsync).AuditedAs("audit.consistency", "audit", DataClassification.Internal);
        audit.MapGet("/report", static (HttpContext http, IAuditStore store, AuditAppender appender, TimeProvider time, CancellationToken ct) => ReportAsync(http, store, appender, time, null, ct))
            .AuditedAs("audit.report", "audit", DataClassification.Restricted);
        audit.MapPost("/erasures", EraseAsync).AuditedAs("audit.erase", "subject", DataClassification.Restricted);

        var tenant = api.MapGroup("/tenants/{tenant}/audit").WithTags("Audit").RequireAccess(Access.Audit);
        tenant.MapGet("/entries", static (string tenant, HttpContext http, IAuditStore store, AuditAppender appender, CancellationToken ct) => QueryAsync(http, store, appender, tenant, ct))
            .AuditedAs("audit.query", "audit", DataClassification.Restricted);
        tenant.MapGet("/export", static (string tenant, HttpContext http, IAuditStore store, AuditAppender appender, CancellationToken ct) => ExportAsync(http, store, appender, tenant, ct))
            .AuditedAs("audit.export", "audit", DataClassification.Restricted);
        tenant.MapGet("/report", static (string tenant, HttpContext http, IAuditStore store, AuditAppender appender, TimeProvider time, CancellationToken ct) => ReportAsync(http, store, appender, time, tenant, ct))
            .AuditedAs("audit.report", "audit", DataClassification.Restricted);
    }

    /// <summary>
    /// Erases a data subject (GDPR art. 17): deletes the key its personal fields are sealed under, after every entry
    /// queued before is stored. The request is audited with the subject's tag as resource id, never the subject itself.
    /// </summary>
    private static async Task<IResult> EraseAsync(HttpContext http, AuditSubjects subjects, AuditAppender appender, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, ServerJsonContext.Default.EraseSubjectRequest);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrEmpty(body!.Subject) || body.Subject.Length > MaxSubjectLength)
        {
            return Problems.Invalid(http, "subject", $"is required: an actor id (a key id, a token subject) or ip:<address>, at most {MaxSubjectLength} characters.");
        }

        await appender.FlushAsync(cancellationToken);
        var (tag, erased) = await subjects.EraseAsync(body.Subject, cancellationToken);
        AuditedResource.Set(http, tag);
        return new JsonWriterResult(json =>
        {
            json.WriteStartObject();
            json.WriteString("subjectTag", tag);
            json.WriteBoolean("erased", erased);
            json.WriteEndObject();
        });
    }

    /// <summary>An RFC 9162 consistency proof between two signed checkpoints of a chain: the later tree extends the earlier one.</summary>
    private static async Task<IResult> ConsistencyAsync(HttpContext http, IAuditStore store, CancellationToken cancellationToken, string? chain = null, long? first = null, long? second = null)
    {
        if (string.IsNullOrEmpty(chain))
        {
            return Problems.Invalid(http, "chain", "is required.");
        }

        var checkpoints = await store.ReadCheckpointsAsync(chain, cancellationToken);
        var older = checkpoints.FirstOrDefault(c => c.TreeSize == first);
        var newer = checkpoints.FirstOrDefault(c => c.TreeSize == second);
        if (older is null)
        {
            return Problems.Invalid(http, "first", "must be the tree size of a checkpoint of the chain.");
        }

        if (newer is null || newer.TreeSize < older.TreeSize)
        {
            return Problems.Invalid(http, "second", "must be the tree size of a checkpoint of the chain, not below first.");
        }

        var leaves = (await store.ReadHashesAsync(chain, newer.TreeSize, cancellationToken)).Select(static h => MerkleTree.LeafHash(h)).ToList();
        if (leaves.Count < newer.TreeSize)
        {
            return Problems.Make(http, StatusCodes.Status409Conflict, "audit_chain_broken", $"Chain '{chain}' holds {leaves.Count} entries below the checkpoint at tree size {newer.TreeSize}; run verify.");
        }

        var proof = MerkleTree.ConsistencyProof(leaves, older.TreeSize, newer.TreeSize);
        return new JsonWriterResult(json =>
        {
            json.WriteStartObject();
            json.WritePropertyName("first");
            AuditJson.WriteCheckpoint(json, older);
            json.WritePropertyName("second");
            AuditJson.WriteCheckpoint(json, newer);
            json.WriteStartArray("proof");
            foreach (var hash in proof)
            {
                json.WriteStringValue(Convert.ToHexStringLower(hash));
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static async Task<IResult> ReportAsync(HttpContext http, IAuditStore store, AuditAppender appender, TimeProvider time, string? tenant, CancellationToken cancellationToken)
    {
        var (query, problem) = Parse(http, tenant, paged: false);
        if (problem is not null)
        {
            return problem;
        }

        var format = http.Request.Query["format"].ToString() is { Length: > 0 } f ? f : "json";
        if (format is not ("json" or "markdown" or "html"))
        {
            return Problems.Invalid(http, "format", "must be one of json, markdown, html.");
        }

        await appender.FlushAsync(cancellationToken);
        var report = await AuditReportBuilder.BuildAsync(store, query!.Tenant, query.From, query.To, appender.PublicKey, time, cancellationToken);
        return format switch
        {
            "markdown" => TypedResults.Text(AuditReportFormat.Markdown(report), "text/markdown; charset=utf-8"),
            "html" => TypedResults.Text(AuditReportFormat.Html(report), "text/html; charset=utf-8"),
            _ => new JsonWriterResult(json => AuditReportFormat.WriteJson(json, report)),
        };
    }

    private static async Task<IResult> QueryAsync(HttpContext http, IAuditStore store, AuditAppender appender, string? tenant, CancellationToken cancellationToken)
    {
        var (query, problem) = Parse(http, tenant, paged: true);
        if (problem is not null)
        {
            return problem;
        }

        // Entries of requests answered before this one are visible to it.
        await appender.FlushAsync(cancellationToken);

        var page = await store.QueryAsync(query!, cancellationToken);
        return new JsonWriterResult(json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("items");
            foreach (var entry in page.Entries)
            {
                AuditJson.WriteEntry(json, entry);
            }

            json.WriteEndArray();
            json.WriteString("nextCursor", page.NextCursor);
            json.WriteEndObject();
        });
    }

    private static async Task<IResult> ExportAsync(HttpContext http, IAuditStore store, AuditAppender appender, string? tenant, CancellationToken cancellationToken)
    {
        var (query, problem) = Parse(http, tenant, paged: false);
        if (problem is not null)
        {
            return problem;
        }

        // Everything appended so far gets under a signed checkpoint, so every exported entry carries a proof.
        await appender.CheckpointAsync(cancellationToken);
        var filtered = tenant is not null || http.Request.Query.Count > 0;
        http.Response.ContentType = "application/x-ndjson";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"audit-export.jsonl\"";
        await AuditExporter.WriteAsync(store, query!, appender.PublicKey, filtered, http.Response.Body, cancellationToken);
        return TypedResults.Empty;
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, IAuditStore store, AuditAppender appender, CancellationToken cancellationToken, string? chain = null, long? from = null, long? to = null)
    {
        if (from is < 1)
        {
            return Problems.Invalid(http, "from", "must be 1 or more.");
        }

        if (to is not null && to < (from ?? 1))
        {
            return Problems.Invalid(http, "to", "must not be below from.");
        }

        var chains = chain is not null ? [chain] : await store.ReadChainsAsync(cancellationToken);
        var results = new List<AuditVerification>();
        foreach (var name in chains)
        {
            results.Add(await AuditVerifier.VerifyAsync(store, name, from ?? 1, to, appender.PublicKey, cancellationToken));
        }

        return new JsonWriterResult(json =>
        {
            json.WriteStartObject();
            json.WriteBoolean("intact", results.All(static r => r.Intact));
            json.WriteString("keyId", CheckpointSigner.KeyIdOf(appender.PublicKey));
            json.WriteString("publicKey", Convert.ToBase64String(appender.PublicKey));
            json.WriteStartArray("chains");
            foreach (var result in results)
            {
                result.WriteTo(json);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static (AuditQuery? Query, IResult? Problem) Parse(HttpContext http, string? tenant, bool paged)
    {
        var q = http.Request.Query;
        var errors = new FieldErrors();
        AuditOutcome? outcome = null;
        if (q["outcome"].ToString() is { Length: > 0 } outcomeText)
        {
            if (AuditNames.TryParseOutcome(outcomeText, out var parsed))
            {
                outcome = parsed;
            }
            else
            {
                errors.Add("outcome", "must be one of success, denied, failed.");
            }
        }

        var from = Time(q["from"].ToString(), "from", errors);
        var to = Time(q["to"].ToString(), "to", errors);
        var limit = 100;
        if (paged && q["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            errors.Add("limit", $"must be between 1 and {MaxLimit}.");
        }

        AuditCursor? after = null;
        if (paged && q["cursor"].ToString() is { Length: > 0 } cursorText)
        {
            if (AuditCursor.TryParse(cursorText, out var cursor))
            {
                after = cursor;
            }
            else
            {
                errors.Add("cursor", "is not a cursor returned by this endpoint.");
            }
        }

        if (!errors.IsEmpty)
        {
            return (null, Problems.From(http, MeshError.Invalid(errors)));
        }

        string? Text(string name) => q[name].ToString() is { Length: > 0 } value ? value : null;
        return (new AuditQuery
        {
            Tenant = tenant ?? Text("tenant"),
            ActorId = Text("actor"),
            Action = Text("action"),
            ResourceType = Text("resourceType"),
            ResourceId = Text("resourceId"),
            Outcome = outcome,
            From = from,
            To = to,
            Limit = limit,
            After = after,
        }, null);
    }

    private static DateTimeOffset? Time(string text, string field, FieldErrors errors)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        errors.Add(field, "must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z.");
        return null;
    }
}
