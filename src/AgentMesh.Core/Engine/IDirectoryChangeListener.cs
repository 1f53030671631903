using AgentMesh.Keys;

namespace AgentMesh.Engine;

/// <summary>
/// Told of every committed change that nodes reading through a cache must not miss — a key revoked, an agent registered
/// or changed — before the change is acknowledged to its caller: the place where a cluster makes sure that no node
/// answers from an entry made before it.
/// </summary>
public interface IDirectoryChangeListener
{
    /// <summary>Returns once no node may still take <paramref name="key"/> as valid.</summary>
    ValueTask KeyRevokedAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>Returns once no node may still answer with the agent as it was before this change.</summary>
    ValueTask AgentChangedAsync(string tenant, string agentId, CancellationToken cancellationToken);
}
