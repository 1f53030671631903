namespace AgentMesh.Server.RateLimits;

/// <summary>Whose bucket a request draws from: a key id or token subject under its scheme, or a remote address.</summary>
internal readonly record struct CredentialKey(string Scheme, string Id)
{
    public const string AddressScheme = "address";

    public bool IsAddress => Scheme == AddressScheme;
}
