using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AgentMesh.Caching;
using AgentMesh.Keys;
using AgentMesh.PostgreSql;
using AgentMesh.Tenants;
using Microsoft.Extensions.Caching.Hybrid;

namespace AgentMesh.Server.Caching;

/// <summary>
/// API keys and tenants as a cluster follower reads them: through the node's <see cref="HybridCache"/> (memory, and Redis
/// shared by every node), filled from PostgreSQL on a miss; concurrent misses of one entry read the store once. A key's
/// entry is filed under the directory version the follower read for the request (<c>key:{version}:{id}</c>): the leader
/// publishes a new version after every revocation, before acknowledging it, so an entry made before a revocation is
/// never found afterwards, on any node: the version in the name is the invalidation, for every node at once, with no
/// message to each and no tag to remove. Tenants never change once created and are never removed, so they need no
/// version. What the store does not have is not cached (a key or tenant created a moment later is found at once). When
/// the node starts following, every key and tenant is read in (<see cref="WarmAsync"/>).
/// </summary>
internal sealed class DirectoryCache
{
    private readonly HybridCache _cache;
    private readonly PostgresMeshStore _store;
    private readonly CacheCounters _counters;
    private readonly HybridCacheEntryOptions _options;
    private readonly TagList _keys;
    private readonly TagList _tenants;

    public DirectoryCache(HybridCache cache, PostgresMeshStore store, CacheOptions options, CacheCounters counters)
    {
        _cache = cache;
        _store = store;
        _counters = counters;
        _options = new HybridCacheEntryOptions { Expiration = options.Expiration, LocalCacheExpiration = options.LocalExpiration };
        _keys = counters.Kind("key");
        _tenants = counters.Kind("tenant");
    }

    /// <summary>The key <paramref name="id"/> (revoked or not) as of directory version <paramref name="version"/>; null when the store has none.</summary>
    public ValueTask<ApiKeyRecord?> GetKeyAsync(string version, string id, CancellationToken cancellationToken) =>
        GetAsync(KeyEntry(version, id), id, static (store, id, ct) => store.GetKeyAsync(id, ct), _keys, cancellationToken);

    /// <summary>The tenant <paramref name="id"/>; null when the store has none.</summary>
    public ValueTask<Tenant?> GetTenantAsync(string id, CancellationToken cancellationToken) =>
        GetAsync(TenantEntry(id), id, static (store, id, ct) => store.GetTenantAsync(id, ct), _tenants, cancellationToken);

    /// <summary>
    /// Reads every key and every tenant into the cache, keys under <paramref name="version"/> (read before this call, so
    /// that what is loaded is at least as new as the version); done when the node starts following.
    /// </summary>
    public async Task<(int Keys, int Tenants)> WarmAsync(string version, CancellationToken cancellationToken)
    {
        var keys = await _store.LoadKeysAsync(cancellationToken);
        foreach (var key in keys)
        {
            await _cache.SetAsync(KeyEntry(version, key.Id), key, _options, cancellationToken: cancellationToken);
        }

        var tenants = await _store.LoadTenantsAsync(cancellationToken);
        foreach (var tenant in tenants)
        {
            await _cache.SetAsync(TenantEntry(tenant.Id), tenant, _options, cancellationToken: cancellationToken);
        }

        return (keys.Count, tenants.Count);
    }

    private static string KeyEntry(string version, string id) => $"key:{version}:{id}";

    private static string TenantEntry(string id) => $"tenant:{id}";

    private async ValueTask<T?> GetAsync<T>(
        string key, string id, Func<PostgresMeshStore, string, CancellationToken, Task<T?>> load, TagList kind, CancellationToken cancellationToken)
        where T : class
    {
        var lookup = new Lookup<T>(_store, id, load);
        try
        {
            var value = await _cache.GetOrCreateAsync(key, lookup, static (l, ct) => l.LoadAsync(ct), _options, cancellationToken: cancellationToken);
            _counters.Read(kind, fromStore: lookup.Loaded);
            return value;
        }
        catch (NotStoredException)
        {
            _counters.Miss(kind);
            return null;
        }
    }

    private sealed class Lookup<T>(PostgresMeshStore store, string id, Func<PostgresMeshStore, string, CancellationToken, Task<T?>> load)
        where T : class
    {
        public bool Loaded { get; private set; }

        public async ValueTask<T> LoadAsync(CancellationToken cancellationToken)
        {
            Loaded = true;
            return await load(store, id, cancellationToken) ?? throw new NotStoredException();
        }
    }

    /// <summary>The store has no such entry; thrown out of the cache's factory so that nothing is cached.</summary>
    private sealed class NotStoredException : Exception;
}

/// <summary>A directory entry as the cache writes it to Redis: JSON, source-generated.</summary>
internal sealed class DirectoryEntrySerializer<T>(JsonTypeInfo<T> type) : IHybridCacheSerializer<T>
{
    public T Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Utf8JsonReader(source);
        return JsonSerializer.Deserialize(ref reader, type) ?? throw new JsonException("A cached directory entry is empty.");
    }

    public void Serialize(T value, IBufferWriter<byte> target)
    {
        using var writer = new Utf8JsonWriter(target);
        JsonSerializer.Serialize(writer, value, type);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApiKeyRecord))]
[JsonSerializable(typeof(Tenant))]
[JsonSerializable(typeof(FollowerAnswer))]
internal sealed partial class DirectoryCacheJsonContext : JsonSerializerContext;
