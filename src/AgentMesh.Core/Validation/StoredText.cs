namespace AgentMesh.Validation;

/// <summary>
/// Free text a store keeps as a column of its own (names, types, idempotency keys): PostgreSQL's <c>text</c> cannot hold
/// U+0000, so such a field never may, on either store — a request an embedded node takes must not fail in a cluster, where
/// the refused write would also make the leader reload its state. Text inside JSON (input, labels, metadata) is stored
/// escaped and may hold it.
/// </summary>
public static class StoredText
{
    public const string NulMessage = "must not contain the character U+0000.";

    public static bool HasNul(string? text) => text is not null && text.Contains('\0', StringComparison.Ordinal);
}
