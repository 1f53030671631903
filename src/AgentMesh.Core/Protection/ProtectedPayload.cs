namespace AgentMesh.Protection;

/// <summary>
/// The stored text of an encrypted value: <c>amenc1:{keyId}:{base64(nonce ‖ tag ‖ ciphertext)}</c>, AES-256-GCM with a
/// 12-byte random nonce, a 16-byte tag and the ASCII prefix up to the last colon as associated data. JSON never starts
/// with a letter other than <c>t</c>, <c>f</c> or <c>n</c>, so plaintext written before encryption is told apart.
/// </summary>
public static class ProtectedPayload
{
    /// <summary>The prefix of every protected value; the 1 is the format version.</summary>
    public const string Prefix = "amenc1:";

    internal const int NonceBytes = 12;
    internal const int TagBytes = 16;

    /// <summary>Whether <paramref name="stored"/> is in the protected format.</summary>
    public static bool IsProtected(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The key id of a protected value, or <see langword="null"/> for anything else.</summary>
    public static string? KeyId(string stored)
    {
        if (!IsProtected(stored))
        {
            return null;
        }

        var end = stored.IndexOf(':', Prefix.Length);
        return end > Prefix.Length ? stored[Prefix.Length..end] : null;
    }
}
