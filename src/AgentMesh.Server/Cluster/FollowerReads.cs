using AgentMesh.Caching;
using AgentMesh.Keys;
using AgentMesh.PostgreSql;
using AgentMesh.Redis.Caching;
using AgentMesh.Server.Caching;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.Tenants;
using AgentMesh.Validation;

namespace AgentMesh.Server.Cluster;

/// <summary>
/// What a cluster follower answers itself instead of forwarding to the leader (endpoints marked
/// <see cref="ServedByFollowers"/>), when it has Redis and the read cache: it authenticates API keys and finds tenants
/// through the <see cref="DirectoryCache"/>, reads tasks from the shared cache or PostgreSQL (pages of them from
/// PostgreSQL, as the leader does), and agents through the <see cref="AgentReadCache"/>. Each such request first reads
/// the directory version; without one it is forwarded like any other.
/// </summary>
internal sealed partial class FollowerReads(
    RedisDirectoryVersion versions,
    DirectoryCache directory,
    FinishedTaskCache tasks,
    AgentReadCache agents,
    PostgresMeshStore store,
    ILogger<FollowerReads> logger)
{
    /// <summary>The directory version this request is answered under; null when it is unknown (the request is forwarded).</summary>
    public async ValueTask<FollowerRead?> VersionAsync(CancellationToken cancellationToken) =>
        await versions.ReadAsync(cancellationToken) is { } version ? FollowerRead.Parse(version) : null;

    /// <summary>The key a bearer text stands for under <paramref name="version"/> (its keys part), if it is valid and not revoked.</summary>
    public async ValueTask<ApiKeyRecord?> AuthenticateAsync(string version, string text, CancellationToken cancellationToken)
    {
        if (!ApiKeySecret.TryParse(text, out var id, out var secret))
        {
            return null;
        }

        var key = await directory.GetKeyAsync(version, id, cancellationToken);
        return key is not null && key.Accepts(secret) ? key : null;
    }

    public ValueTask<Tenant?> GetTenantAsync(string id, CancellationToken cancellationToken) => directory.GetTenantAsync(id, cancellationToken);

    public ValueTask<MeshTask?> GetTaskAsync(string tenant, Guid id, CancellationToken cancellationToken) =>
        tasks.GetFinalOrStoredAsync(store, tenant, id, cancellationToken);

    /// <summary>A page of a tenant's tasks from PostgreSQL, as the leader reads it too.</summary>
    public async ValueTask<MeshResult<TaskPage>> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken) =>
        await directory.GetTenantAsync(query.Tenant, cancellationToken) is null
            ? MeshError.TenantNotFound(query.Tenant)
            : await store.ListTasksAsync(query, cancellationToken);

    /// <summary>The answer to an agent read (an agent, a page of agents): the leader's, kept for a moment (<see cref="AgentReadCache"/>).</summary>
    public ValueTask<FollowerAnswer> ReadAgentsAsync(string version, HttpContext http) => agents.ReadAsync(version, http);

    /// <summary>Reads every key and tenant into the directory cache under the current version; never throws (reads fill the cache instead).</summary>
    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            if (await VersionAsync(cancellationToken) is not { } version)
            {
                LogNotWarmed(logger, null);
                return;
            }

            var (keys, tenants) = await directory.WarmAsync(version.Keys, cancellationToken);
            var milliseconds = Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            LogWarmed(logger, keys, tenants, milliseconds);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogNotWarmed(logger, exception);
        }
    }

    [LoggerMessage(EventId = 2321, Level = LogLevel.Information, Message = "Directory cache warmed with {Keys} keys and {Tenants} tenants in {Milliseconds} ms")]
    private static partial void LogWarmed(ILogger logger, int keys, int tenants, double milliseconds);

    [LoggerMessage(EventId = 2322, Level = LogLevel.Warning, Message = "Warming the directory cache did not finish; reads fill it instead")]
    private static partial void LogNotWarmed(ILogger logger, Exception? exception);
}

/// <summary>
/// Set on a request a follower answers itself: the directory version it read for it, <c>{epoch}.{keys}.{agents}</c>, in
/// the two parts entries are filed under — <see cref="Keys"/> (<c>{epoch}.{keys}</c>, new after every key revocation) and
/// <see cref="Agents"/> (<c>{epoch}.{agents}</c>, new after every agent registration or change) — so that agents coming
/// and going do not empty the key cache.
/// </summary>
internal sealed record FollowerRead(string Keys, string Agents)
{
    /// <summary>The parts of a version as the leader writes it; null for anything else (the request is forwarded).</summary>
    public static FollowerRead? Parse(string version)
    {
        var first = version.IndexOf('.', StringComparison.Ordinal);
        var last = version.LastIndexOf('.');
        return first > 0 && last > first + 1 && last < version.Length - 1
            ? new FollowerRead(version[..last], string.Concat(version.AsSpan(0, first), version.AsSpan(last)))
            : null;
    }
}

/// <summary>Marks an endpoint a follower may answer itself: a read it answers from its caches and PostgreSQL (an agent read asks the leader on a miss).</summary>
internal sealed class ServedByFollowers
{
    public static ServedByFollowers Instance { get; } = new();
}
