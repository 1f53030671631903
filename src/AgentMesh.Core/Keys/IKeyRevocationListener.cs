namespace AgentMesh.Keys;

/// <summary>
/// Told of every revocation of an API key once it is committed, before the revocation is acknowledged to its caller: the
/// place where a cluster makes sure that no node authenticates with the key afterwards.
/// </summary>
public interface IKeyRevocationListener
{
    /// <summary>Returns once no node may still take <paramref name="key"/> as valid.</summary>
    ValueTask RevokedAsync(ApiKeyRecord key, CancellationToken cancellationToken);
}
