namespace AgentMesh.Server.Security;

/// <summary>
/// JWT bearer tokens signed with HS256, bound from <c>AgentMesh:Auth:Jwt</c>. Without a <see cref="Secret"/> JWT is off
/// and only API keys authenticate; there is no default secret.
/// </summary>
public sealed class JwtOptions
{
    public const string Section = "AgentMesh:Auth:Jwt";

    /// <summary>The shortest secret accepted, in UTF-8 bytes: HS256 needs a key at least as long as its 256-bit hash.</summary>
    public const int MinimumSecretBytes = 32;

    /// <summary>The HS256 signing secret (its UTF-8 bytes are the key); at least 32 bytes. Default none: JWT off.</summary>
    public string? Secret { get; set; }

    /// <summary>The required <c>iss</c> claim. Required when <see cref="Secret"/> is set; no default.</summary>
    public string? Issuer { get; set; }

    /// <summary>The required <c>aud</c> claim. Required when <see cref="Secret"/> is set; no default.</summary>
    public string? Audience { get; set; }

    /// <summary>How far <c>exp</c> and <c>nbf</c> may be off between the issuer's clock and the node's. Fixed at 30 seconds.</summary>
    public static TimeSpan ClockSkew { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether JWT bearer tokens are accepted at all.</summary>
    public bool Enabled => !string.IsNullOrEmpty(Secret);

    /// <summary>Why these options cannot be used, or <see langword="null"/> when they can (including JWT off).</summary>
    public string? Problem()
    {
        if (!Enabled)
        {
            return null;
        }

        if (System.Text.Encoding.UTF8.GetByteCount(Secret!) < MinimumSecretBytes)
        {
            return $"{Section}:Secret must be at least {MinimumSecretBytes} bytes (UTF-8).";
        }

        if (string.IsNullOrWhiteSpace(Issuer) || string.IsNullOrWhiteSpace(Audience))
        {
            return $"{Section}:Issuer and {Section}:Audience are required when {Section}:Secret is set.";
        }

        return null;
    }
}
