namespace AgentMesh.Protection;

/// <summary>
/// How a store keeps task input and output at rest: it calls <see cref="Protect"/> on what it writes and
/// <see cref="Unprotect"/> on what it reads, so the engine only ever sees plaintext. Implementations are thread-safe.
/// </summary>
public interface IPayloadProtector
{
    /// <summary>The stored form of <paramref name="plaintext"/>.</summary>
    string Protect(string plaintext);

    /// <summary>
    /// The plaintext of a stored value. A value written before encryption was turned on (not in the protected format) is
    /// returned as it is.
    /// </summary>
    /// <exception cref="InvalidOperationException">The value is encrypted under a key this protector does not hold, or does not decrypt.</exception>
    string Unprotect(string stored);

    /// <summary>Whether <paramref name="stored"/> is already in the form <see cref="Protect"/> writes now (what re-encryption skips).</summary>
    bool IsCurrent(string stored);
}
