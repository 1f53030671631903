namespace AgentMesh.Server.Logging;

/// <summary>Which logged values are secrets, by their name: a key, token, secret, password or authorization is never written.</summary>
internal static class LogRedaction
{
    public const string Redacted = "[redacted]";

    private static readonly string[] SecretEndings = ["key", "token", "secret", "password", "passwd", "authorization", "credential", "credentials"];

    /// <summary>True for <c>ApiKey</c>, <c>admin_key</c>, <c>Token</c>, <c>clientSecret</c>, <c>Authorization</c>...; false for <c>keyId</c> or <c>tokenCount</c>, which name something else.</summary>
    public static bool IsSecret(string name)
    {
        Span<char> letters = stackalloc char[Math.Min(name.Length, 128)];
        var length = 0;
        foreach (var c in name.AsSpan(0, letters.Length))
        {
            if (char.IsAsciiLetter(c))
            {
                letters[length++] = char.ToLowerInvariant(c);
            }
        }

        ReadOnlySpan<char> normalized = letters[..length];
        foreach (var ending in SecretEndings)
        {
            if (normalized.EndsWith(ending, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return normalized.Contains("password", StringComparison.Ordinal) || normalized.Contains("secret", StringComparison.Ordinal);
    }
}
