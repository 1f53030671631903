using System.Globalization;
using System.Text.Json;

namespace AgentMesh.Audit;

/// <summary>
/// The JSON form of entries and checkpoints, shared by the API, the export (JSON lines) and offline verification.
/// Hashes are lowercase hex; keys and signatures base64; times RFC 3339 with microseconds.
/// </summary>
public static class AuditJson
{
    /// <summary>
    /// Writes what a reader sees (<see cref="AuditEntry.View"/>); when personal fields were opened, their stored (sealed)
    /// text follows under <c>sealed</c> — the text the hash covers — so the entry stays verifiable.
    /// </summary>
    public static void WriteEntry(Utf8JsonWriter json, AuditEntry entry, AuditProof? proof = null)
    {
        var e = entry.View;
        json.WriteStartObject();
        json.WriteString("chain", entry.Chain);
        json.WriteNumber("sequence", entry.Sequence);
        json.WriteString("time", e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        json.WriteString("tenant", e.Tenant);
        json.WriteStartObject("actor");
        json.WriteString("type", e.Actor.Type);
        json.WriteString("id", e.Actor.Id);
        json.WriteString("ip", e.Actor.Ip);
        json.WriteString("userAgent", e.Actor.UserAgent);
        json.WriteEndObject();
        json.WriteString("action", e.Action);
        json.WriteStartObject("resource");
        json.WriteString("type", e.Resource.Type);
        json.WriteString("id", e.Resource.Id);
        json.WriteEndObject();
        json.WriteString("outcome", AuditNames.Of(e.Outcome));
        json.WriteString("reason", e.Reason);
        json.WriteString("requestId", e.RequestId);
        json.WriteString("traceId", e.TraceId);
        json.WriteString("classification", AuditNames.Of(e.Classification));
        json.WriteStartObject("details");
        foreach (var (key, value) in e.Details.OrderBy(static d => d.Key, StringComparer.Ordinal))
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
        if (entry.Opened is not null)
        {
            WriteSealed(json, entry.Event);
        }

        json.WriteString("previousHash", Convert.ToHexStringLower(entry.PreviousHash));
        json.WriteString("hash", Convert.ToHexStringLower(entry.Hash));
        if (proof is not null)
        {
            json.WriteStartObject("proof");
            json.WriteNumber("treeSize", proof.TreeSize);
            json.WriteNumber("leafIndex", proof.LeafIndex);
            json.WriteStartArray("path");
            foreach (var hash in proof.Path)
            {
                json.WriteStringValue(Convert.ToHexStringLower(hash));
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteSealed(Utf8JsonWriter json, AuditEvent stored)
    {
        json.WriteStartObject("sealed");
        void Field(string name, string? value)
        {
            if (AuditSubjects.IsSealed(value))
            {
                json.WriteString(name, value);
            }
        }

        Field("actorId", stored.Actor.Id);
        Field("actorIp", stored.Actor.Ip);
        Field("actorUserAgent", stored.Actor.UserAgent);
        json.WriteStartObject("details");
        foreach (var (key, value) in stored.Details.OrderBy(static d => d.Key, StringComparer.Ordinal))
        {
            Field(key, value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    public static void WriteCheckpoint(Utf8JsonWriter json, AuditCheckpoint checkpoint)
    {
        json.WriteStartObject();
        json.WriteString("chain", checkpoint.Chain);
        json.WriteNumber("treeSize", checkpoint.TreeSize);
        json.WriteString("time", checkpoint.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        json.WriteString("rootHash", Convert.ToHexStringLower(checkpoint.RootHash));
        json.WriteString("headHash", Convert.ToHexStringLower(checkpoint.HeadHash));
        json.WriteString("keyId", checkpoint.KeyId);
        json.WriteString("signature", Convert.ToBase64String(checkpoint.Signature));
        json.WriteEndObject();
    }

    public static AuditEntry ReadEntry(JsonElement element, out AuditProof? proof)
    {
        var actor = element.GetProperty("actor");
        var resource = element.GetProperty("resource");
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in element.GetProperty("details").EnumerateObject())
        {
            details[property.Name] = property.Value.GetString() ?? "";
        }

        string? actorId = actor.GetProperty("id").GetString(), actorIp = actor.GetProperty("ip").GetString(), actorUserAgent = actor.GetProperty("userAgent").GetString();
        if (element.TryGetProperty("sealed", out var sealedFields) && sealedFields.ValueKind == JsonValueKind.Object)
        {
            string? Stored(string name, string? shown) => sealedFields.TryGetProperty(name, out var value) ? value.GetString() : shown;
            actorId = Stored("actorId", actorId);
            actorIp = Stored("actorIp", actorIp);
            actorUserAgent = Stored("actorUserAgent", actorUserAgent);
            if (sealedFields.TryGetProperty("details", out var sealedDetails) && sealedDetails.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in sealedDetails.EnumerateObject())
                {
                    details[property.Name] = property.Value.GetString() ?? "";
                }
            }
        }

        var outcome = AuditNames.TryParseOutcome(element.GetProperty("outcome").GetString(), out var o) ? o : (AuditOutcome)byte.MaxValue;
        var classification = AuditNames.TryParseClassification(element.GetProperty("classification").GetString(), out var c) ? c : (DataClassification)byte.MaxValue;
        var e = new AuditEvent(
            DateTimeOffset.Parse(element.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            element.GetProperty("tenant").GetString(),
            new AuditActor(actor.GetProperty("type").GetString()!, actorId, actorIp, actorUserAgent),
            element.GetProperty("action").GetString()!,
            new AuditResource(resource.GetProperty("type").GetString()!, resource.GetProperty("id").GetString()),
            outcome,
            element.GetProperty("reason").GetString(),
            element.GetProperty("requestId").GetString(),
            element.GetProperty("traceId").GetString(),
            classification,
            details);
        proof = element.TryGetProperty("proof", out var p) && p.ValueKind == JsonValueKind.Object
            ? new AuditProof(p.GetProperty("treeSize").GetInt64(), p.GetProperty("leafIndex").GetInt64(), [.. p.GetProperty("path").EnumerateArray().Select(static h => Convert.FromHexString(h.GetString()!))])
            : null;
        return new AuditEntry(
            element.GetProperty("chain").GetString()!,
            element.GetProperty("sequence").GetInt64(),
            e,
            Convert.FromHexString(element.GetProperty("previousHash").GetString()!),
            Convert.FromHexString(element.GetProperty("hash").GetString()!));
    }

    public static AuditCheckpoint ReadCheckpoint(JsonElement element) => new(
        element.GetProperty("chain").GetString()!,
        element.GetProperty("treeSize").GetInt64(),
        DateTimeOffset.Parse(element.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        Convert.FromHexString(element.GetProperty("rootHash").GetString()!),
        Convert.FromHexString(element.GetProperty("headHash").GetString()!),
        element.GetProperty("keyId").GetString()!,
        Convert.FromBase64String(element.GetProperty("signature").GetString()!));
}

/// <summary>An RFC 9162 inclusion proof of one entry in the tree of a checkpoint of its chain.</summary>
public sealed record AuditProof(long TreeSize, long LeafIndex, IReadOnlyList<byte[]> Path);
