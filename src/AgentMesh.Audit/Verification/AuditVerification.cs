using System.Text.Json;

namespace AgentMesh.Audit;

/// <summary>Why a chain does not verify.</summary>
public enum AuditBreak
{
    None,

    /// <summary>An entry's fields no longer produce its hash, or an entry was rewritten with a new hash.</summary>
    ContentChanged,

    /// <summary>A sequence number is absent: an entry was deleted, or the tail was cut below a checkpoint.</summary>
    EntryMissing,

    /// <summary>An entry links to a predecessor that sits elsewhere in the chain: entries were reordered.</summary>
    OrderChanged,

    /// <summary>A checkpoint's Ed25519 signature does not verify with the public key (or names another key).</summary>
    CheckpointSignatureInvalid,

    /// <summary>A correctly signed checkpoint does not match the entries it covers (root or head differ).</summary>
    CheckpointMismatch,
}

/// <summary>The result of verifying a chain over a range of sequence numbers.</summary>
public sealed record AuditVerification(
    string Chain,
    long From,
    long To,
    long EntriesChecked,
    int CheckpointsChecked,
    long? BrokenAt,
    AuditBreak Cause,
    string? Detail)
{
    public bool Intact => BrokenAt is null;

    public static string NameOf(AuditBreak cause) => cause switch
    {
        AuditBreak.None => "none",
        AuditBreak.ContentChanged => "content_changed",
        AuditBreak.EntryMissing => "entry_missing",
        AuditBreak.OrderChanged => "order_changed",
        AuditBreak.CheckpointSignatureInvalid => "checkpoint_signature_invalid",
        _ => "checkpoint_mismatch",
    };

    /// <summary>Writes this result as the JSON object the API, the CLI and the compliance report share.</summary>
    public void WriteTo(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("chain", Chain);
        json.WriteBoolean("intact", Intact);
        json.WriteNumber("from", From);
        json.WriteNumber("to", To);
        json.WriteNumber("entriesChecked", EntriesChecked);
        json.WriteNumber("checkpointsChecked", CheckpointsChecked);
        if (BrokenAt is { } broken)
        {
            json.WriteNumber("brokenAt", broken);
        }
        else
        {
            json.WriteNull("brokenAt");
        }

        json.WriteString("cause", Intact ? null : NameOf(Cause));
        json.WriteString("detail", Detail);
        json.WriteEndObject();
    }
}
