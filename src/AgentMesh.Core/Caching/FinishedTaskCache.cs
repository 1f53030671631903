using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Caching;

/// <summary>
/// The read cache in front of the store for tasks no longer live in the engine (finished ones), over a
/// <see cref="HybridCache"/>: memory (L1) on every node, Redis (L2) when the node has one. Key <c>task:{tenant}:{id}</c>:
/// the tenant is part of the key, so one tenant never reads another's entry. Concurrent misses of one key read the
/// store once. Only tasks that can never change again (succeeded, cancelled, expired) go to L2, which every node shares;
/// dead-lettered and failed ones can still be retried, so they stay in this node's memory, and a retry removes them
/// (<see cref="Revive"/>, then <see cref="ForgetAsync"/> before the retry is acknowledged).
/// </summary>
public sealed partial class FinishedTaskCache : IDisposable
{
    private const string Kind = "task";

    private readonly HybridCache _cache;
    private readonly CacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FinishedTaskCache> _logger;
    private readonly HybridCacheEntryOptions _readOptions;
    private readonly HybridCacheEntryOptions _sharedOptions;
    private readonly HybridCacheEntryOptions _localOptions;
    private readonly ConcurrentDictionary<Guid, Revival> _revived = new();
    private readonly ConcurrentDictionary<string, string[]> _tags = new(StringComparer.Ordinal);
    private readonly TagList _kind;

    /// <param name="cache">The node's hybrid cache.</param>
    /// <param name="options">The cache's settings.</param>
    /// <param name="shared">Whether <paramref name="cache"/> has a shared level (Redis).</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where warming is logged.</param>
    /// <param name="meterFactory">Creates the <c>AgentMesh</c> meter of the hit and miss counters.</param>
    public FinishedTaskCache(HybridCache cache, CacheOptions options, bool shared, TimeProvider time, ILogger<FinishedTaskCache> logger, IMeterFactory? meterFactory = null)
    {
        _cache = cache;
        _options = options;
        _time = time;
        _logger = logger;
        IsShared = shared;
        _sharedOptions = new HybridCacheEntryOptions { Expiration = options.Expiration, LocalCacheExpiration = options.LocalExpiration };
        _localOptions = new HybridCacheEntryOptions
        {
            Expiration = options.LocalExpiration,
            LocalCacheExpiration = options.LocalExpiration,
            Flags = HybridCacheEntryFlags.DisableDistributedCache,
        };

        // A miss may be answered from L2; what the store answers goes to L1 only until its status says it may be shared.
        _readOptions = new HybridCacheEntryOptions
        {
            Expiration = options.Expiration,
            LocalCacheExpiration = options.LocalExpiration,
            Flags = HybridCacheEntryFlags.DisableDistributedCacheWrite,
        };
        Counters = new CacheCounters(meterFactory);
        _kind = Counters.Kind(Kind);
    }

    /// <summary>The hit and miss counters of this node's read caches.</summary>
    public CacheCounters Counters { get; }

    /// <summary>Whether the cache has a shared level in Redis (L2).</summary>
    public bool IsShared { get; }

    /// <summary>The finished task from the cache, or from <paramref name="store"/> on a miss; null when it does not exist in this tenant.</summary>
    public async ValueTask<MeshTask?> GetAsync(IMeshStore store, string tenant, Guid id, CancellationToken cancellationToken)
    {
        var key = Key(tenant, id);
        var lookup = new Lookup(store, tenant, id);
        MeshTask? task;
        try
        {
            task = await _cache.GetOrCreateAsync(key, lookup, static (l, ct) => l.LoadAsync(ct), _readOptions, Tags(tenant), cancellationToken);
        }
        catch (TaskNotStoredException)
        {
            // Not found is not cached: the answer to an unknown id costs a store read, as without a cache.
            Counters.Miss(_kind);
            return null;
        }

        if (_revived.TryGetValue(id, out var revival) && task.Version < revival.Version)
        {
            // A copy read before the task was retried (a read that was in flight meanwhile): never served.
            lookup.Loaded = true;
            task = await store.GetTaskAsync(tenant, id, cancellationToken);
            if (task is null)
            {
                Counters.Miss(_kind);
                return null;
            }

            await _cache.SetAsync(key, task, _localOptions, Tags(tenant), cancellationToken);
        }
        else if (lookup.Loaded && IsShared && IsFinal(task.Status))
        {
            await _cache.SetAsync(key, task, _sharedOptions, Tags(tenant), cancellationToken);
        }

        Counters.Read(_kind, fromStore: lookup.Loaded);
        return task;
    }

    /// <summary>
    /// The task as a node that does not run the engine (a cluster follower) may answer it: from the cache (memory, then
    /// Redis, whose hits are kept in memory too) only in a status no operation leaves, otherwise from
    /// <paramref name="store"/>, which has every acknowledged change. Such a node never learns of a retry, so it caches
    /// nothing a retry could change. Null when the task does not exist in this tenant.
    /// </summary>
    public async ValueTask<MeshTask?> GetFinalOrStoredAsync(IMeshStore store, string tenant, Guid id, CancellationToken cancellationToken)
    {
        var key = Key(tenant, id);
        var lookup = new Lookup(store, tenant, id);
        MeshTask task;
        try
        {
            // Memory is written with what Redis or the store gives in a final status; anything else leaves as an exception.
            task = await _cache.GetOrCreateAsync(key, lookup, static (l, ct) => l.LoadFinalAsync(ct), _readOptions, Tags(tenant), cancellationToken);
        }
        catch (TaskNotStoredException)
        {
            Counters.Miss(_kind);
            return null;
        }
        catch (TaskNotFinalException notFinal)
        {
            Counters.Miss(_kind);
            return notFinal.Task;
        }

        Counters.Read(_kind, fromStore: lookup.Loaded);
        if (lookup.Loaded && IsShared)
        {
            await _cache.SetAsync(key, task, _sharedOptions, Tags(tenant), cancellationToken);
        }

        return task;
    }

    /// <summary>
    /// Marks a finished task as live again (an operator retry), under the engine's lock: from now on no copy older than
    /// <paramref name="version"/> is served, not even one a read in flight puts in the cache later.
    /// </summary>
    public void Revive(Guid id, long version)
    {
        var now = _time.GetTimestamp();
        _revived[id] = new Revival(version, now);
        if (_revived.Count > 1_024)
        {
            // A stale copy outlives its revival by at most the memory level's lifetime (and a read in flight).
            var horizon = (long)((_options.LocalExpiration + TimeSpan.FromMinutes(1)).TotalSeconds * _time.TimestampFrequency);
            foreach (var (key, entry) in _revived)
            {
                if (now - entry.At > horizon)
                {
                    _revived.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>Removes the cached copies of revived tasks (both levels); a failure leaves <see cref="Revive"/> to keep reads right.</summary>
    public async ValueTask ForgetAsync(IReadOnlyList<MeshTask> tasks, CancellationToken cancellationToken)
    {
        foreach (var task in tasks)
        {
            try
            {
                await _cache.RemoveAsync(Key(task.Tenant, task.Id), cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogForgetFailed(_logger, exception);
            }
        }
    }

    /// <summary>
    /// Reads up to <see cref="CacheOptions.WarmTasks"/> of the newest finished tasks, shared among the tenants, into memory.
    /// One page per tenant, newest first; runs in the background after the engine has loaded its state.
    /// </summary>
    public async Task WarmAsync(IMeshStore store, IReadOnlyList<string> tenants, CancellationToken cancellationToken)
    {
        if (_options.WarmTasks == 0 || tenants.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var warmed = 0;
        var share = Math.Max(1, _options.WarmTasks / tenants.Count);
        try
        {
            foreach (var tenant in tenants)
            {
                var limit = Math.Min(Math.Min(share, _options.WarmTasks - warmed), 1_000);
                if (limit <= 0)
                {
                    break;
                }

                var page = await store.ListTasksAsync(new TaskQuery { Tenant = tenant, Limit = limit }, cancellationToken);
                foreach (var task in page.Items)
                {
                    if (task.Status.IsTerminal() && !_revived.ContainsKey(task.Id))
                    {
                        await _cache.SetAsync(Key(tenant, task.Id), task, _localOptions, Tags(tenant), cancellationToken);
                        warmed++;
                    }
                }
            }

            var milliseconds = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            LogWarmed(_logger, warmed, tenants.Count, milliseconds);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogWarmFailed(_logger, warmed, exception);
        }
    }

    /// <summary>Statuses no operation leaves: what every node may share through L2.</summary>
    public static bool IsFinal(MeshTaskStatus status) => status is MeshTaskStatus.Succeeded or MeshTaskStatus.Cancelled or MeshTaskStatus.Expired;

    /// <summary>The cache key of a task: the tenant is part of it.</summary>
    public static string Key(string tenant, Guid id) => $"task:{tenant}:{id}";

    // One array per tenant, made once: a read then allocates no tag list.
    private string[] Tags(string tenant) => _tags.GetOrAdd(tenant, static t => ["tenant:" + t]);

    public void Dispose() => Counters.Dispose();

    private sealed class Lookup(IMeshStore store, string tenant, Guid id)
    {
        public bool Loaded { get; set; }

        public async ValueTask<MeshTask> LoadAsync(CancellationToken cancellationToken)
        {
            Loaded = true;
            return await store.GetTaskAsync(tenant, id, cancellationToken) ?? throw new TaskNotStoredException();
        }

        public async ValueTask<MeshTask> LoadFinalAsync(CancellationToken cancellationToken)
        {
            var task = await LoadAsync(cancellationToken);
            return IsFinal(task.Status) ? task : throw new TaskNotFinalException(task);
        }
    }

    private readonly record struct Revival(long Version, long At);

    /// <summary>The store has no such task in this tenant; thrown out of the cache's factory so that nothing is cached.</summary>
    private sealed class TaskNotStoredException : Exception;

    /// <summary>The store's task is in a status an operation may leave; thrown out of the cache's factory so that it is not cached.</summary>
    private sealed class TaskNotFinalException(MeshTask task) : Exception
    {
        public MeshTask Task { get; } = task;
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Read cache warmed with {Tasks} finished tasks of {Tenants} tenants in {Milliseconds} ms")]
    private static partial void LogWarmed(ILogger logger, int tasks, int tenants, double milliseconds);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Warming the read cache stopped after {Tasks} tasks; reads fill it instead")]
    private static partial void LogWarmFailed(ILogger logger, int tasks, Exception exception);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Removing a retried task from the read cache failed; its stale copy is refused on read until it expires")]
    private static partial void LogForgetFailed(ILogger logger, Exception exception);
}
