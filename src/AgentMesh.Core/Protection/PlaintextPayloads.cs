namespace AgentMesh.Protection;

/// <summary>Stores input and output as they are (encryption off); refuses to hand back a value that was stored encrypted.</summary>
public sealed class PlaintextPayloads : IPayloadProtector
{
    private readonly string _source;

    /// <param name="source">The setting that turned encryption off, named in errors.</param>
    public PlaintextPayloads(string source) => _source = source;

    /// <summary>For stores used without any configuration (tests, tools).</summary>
    public static PlaintextPayloads Instance { get; } = new("the store's configuration (no encryption keys)");

    public string Protect(string plaintext) => plaintext;

    public string Unprotect(string stored) => ProtectedPayload.IsProtected(stored)
        ? throw new InvalidOperationException($"Stored task data is encrypted with key '{ProtectedPayload.KeyId(stored)}', but encryption is off ({_source}).")
        : stored;

    public bool IsCurrent(string stored) => !ProtectedPayload.IsProtected(stored);
}
