namespace AgentMesh.Server.Security;

/// <summary>
/// JWT bearer tokens, bound from <c>AgentMesh:Auth:Jwt</c>: HS256 with a shared <see cref="Secret"/>, RS256/ES256 from an
/// identity provider (<see cref="Authority"/> or <see cref="JwksUrl"/>), or both. Without either JWT is off and only API
/// keys authenticate; there is no default secret and no default authority.
/// </summary>
public sealed class JwtOptions
{
    public const string Section = "AgentMesh:Auth:Jwt";

    /// <summary>The shortest secret accepted, in UTF-8 bytes: HS256 needs a key at least as long as its 256-bit hash.</summary>
    public const int MinimumSecretBytes = 32;

    /// <summary>The HS256 signing secret (its UTF-8 bytes are the key); at least 32 bytes. Default none: HS256 off.</summary>
    public string? Secret { get; set; }

    /// <summary>
    /// The required <c>iss</c> claim of HS256 tokens, and of identity-provider tokens when keys come from <see cref="JwksUrl"/>.
    /// Required with <see cref="Secret"/> or <see cref="JwksUrl"/>; no default.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>The required <c>aud</c> claim of every token. Required when JWT is on; no default.</summary>
    public string? Audience { get; set; }

    /// <summary>
    /// The OpenID Connect issuer whose <c>/.well-known/openid-configuration</c> names the signing keys (<c>jwks_uri</c>) and the
    /// required <c>iss</c> of its tokens. Default none.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The JSON Web Key Set of an identity provider without a discovery document; needs <see cref="Issuer"/>. Default none.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>Whether the discovery document and key set must come over HTTPS; loopback addresses are always allowed. Default true.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>How often the identity provider's keys are fetched again, whatever tokens arrive. Default 1 hour.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The shortest time between two fetches of the keys, also when tokens name a key id the node does not know (a rotation,
    /// or a caller making up ids). Default 30 seconds.
    /// </summary>
    public TimeSpan KeyRefreshMinimumInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How far <c>exp</c> and <c>nbf</c> may be off between the issuer's clock and the node's. Fixed at 30 seconds.</summary>
    public static TimeSpan ClockSkew { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether HS256 tokens signed with <see cref="Secret"/> are accepted.</summary>
    public bool SharedSecretEnabled => !string.IsNullOrEmpty(Secret);

    /// <summary>Whether RS256/ES256 tokens of an identity provider are accepted.</summary>
    public bool IdentityProviderEnabled => !string.IsNullOrEmpty(Authority) || !string.IsNullOrEmpty(JwksUrl);

    /// <summary>Whether JWT bearer tokens are accepted at all.</summary>
    public bool Enabled => SharedSecretEnabled || IdentityProviderEnabled;

    /// <summary>Why these options cannot be used, or <see langword="null"/> when they can (including JWT off).</summary>
    public string? Problem()
    {
        if (SharedSecretEnabled)
        {
            if (System.Text.Encoding.UTF8.GetByteCount(Secret!) < MinimumSecretBytes)
            {
                return $"{Section}:Secret must be at least {MinimumSecretBytes} bytes (UTF-8).";
            }

            if (string.IsNullOrWhiteSpace(Issuer) || string.IsNullOrWhiteSpace(Audience))
            {
                return $"{Section}:Issuer and {Section}:Audience are required when {Section}:Secret is set.";
            }
        }

        if (!IdentityProviderEnabled)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(Authority) && !string.IsNullOrEmpty(JwksUrl))
        {
            return $"{Section}:Authority and {Section}:JwksUrl are exclusive; set one.";
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            return $"{Section}:Audience is required when {Section}:Authority or {Section}:JwksUrl is set.";
        }

        if (!string.IsNullOrEmpty(JwksUrl) && string.IsNullOrWhiteSpace(Issuer))
        {
            return $"{Section}:Issuer is required when {Section}:JwksUrl is set.";
        }

        if (KeyRefreshMinimumInterval < TimeSpan.Zero || KeyRefreshInterval < KeyRefreshMinimumInterval)
        {
            return $"{Section}:KeyRefreshMinimumInterval must not be negative nor longer than {Section}:KeyRefreshInterval.";
        }

        var setting = string.IsNullOrEmpty(Authority) ? "JwksUrl" : "Authority";
        return MetadataAddressProblem(string.IsNullOrEmpty(Authority) ? JwksUrl! : Authority!) is { } problem ? $"{Section}:{setting} {problem}" : null;
    }

    /// <summary>Why the node may not fetch metadata or keys from <paramref name="address"/>, or <see langword="null"/>.</summary>
    internal string? MetadataAddressProblem(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "must be an absolute http(s) URL.";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && RequireHttpsMetadata && !uri.IsLoopback)
        {
            return $"must use https (plain http is allowed for loopback addresses, or with {Section}:RequireHttpsMetadata=false).";
        }

        return null;
    }
}
