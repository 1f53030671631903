using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using AgentMesh.Engine;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.RateLimits;

/// <summary>
/// One token bucket per tenant and one per credential (or remote address), created on first use and dropped by the
/// partitioned limiters once full and idle for a while; they also refill every bucket from one shared timer.
/// </summary>
internal sealed class RequestBuckets : IDisposable
{
    private readonly RateLimitOptions _options;
    private readonly MeshEngine _engine;

    // Quotas never change after a tenant is created and tenants are never removed, so this grows only with tenants.
    private readonly ConcurrentDictionary<string, int> _tenantRates = new(StringComparer.Ordinal);
    private readonly Func<string, RateLimiter> _tenantBucket;
    private readonly Func<CredentialKey, RateLimiter> _credentialBucket;
    private readonly PartitionedRateLimiter<string> _tenants;
    private readonly PartitionedRateLimiter<CredentialKey> _credentials;

    public RequestBuckets(IOptions<RateLimitOptions> options, MeshEngine engine)
    {
        _options = options.Value;
        _engine = engine;
        _tenantBucket = tenant => Bucket(_tenantRates[tenant], _options.TenantBurstMultiple);
        _credentialBucket = _ => Bucket(_options.PerKeyRequestsPerSecond, _options.PerKeyBurstMultiple);
        _tenants = PartitionedRateLimiter.Create<string, string>(tenant => RateLimitPartition.Get(tenant, _tenantBucket), StringComparer.Ordinal);
        _credentials = PartitionedRateLimiter.Create<CredentialKey, CredentialKey>(key => RateLimitPartition.Get(key, _credentialBucket));
    }

    public int CredentialRate => _options.PerKeyRequestsPerSecond;

    public int CredentialBurst => RateLimitOptions.Burst(_options.PerKeyRequestsPerSecond, _options.PerKeyBurstMultiple);

    /// <summary>The tenant's rate, or <see langword="null"/> for a tenant that does not exist (its requests answer 404).</summary>
    public int? TenantRate(string tenant)
    {
        if (_tenantRates.TryGetValue(tenant, out var rate))
        {
            return rate;
        }

        if (_engine.GetTenant(tenant) is not { } found)
        {
            return null;
        }

        return _tenantRates.GetOrAdd(tenant, found.Quotas.RequestsPerSecond);
    }

    public int TenantBurst(int rate) => RateLimitOptions.Burst(rate, _options.TenantBurstMultiple);

    /// <summary>Takes one token for <paramref name="tenant"/>, which <see cref="TenantRate"/> must have found.</summary>
    public BucketAnswer TakeTenant(string tenant) => Take(_tenants, tenant);

    public BucketAnswer TakeCredential(CredentialKey key) => Take(_credentials, key);

    public void Dispose()
    {
        _tenants.Dispose();
        _credentials.Dispose();
    }

    private static BucketAnswer Take<TKey>(PartitionedRateLimiter<TKey> limiter, TKey key)
    {
        using var lease = limiter.AttemptAcquire(key);
        var remaining = limiter.GetStatistics(key)?.CurrentAvailablePermits ?? 0;
        if (lease.IsAcquired)
        {
            return new BucketAnswer(true, remaining, TimeSpan.Zero);
        }

        return new BucketAnswer(false, remaining, lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1));
    }

    private static TokenBucketRateLimiter Bucket(int rate, double burstMultiple) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = RateLimitOptions.Burst(rate, burstMultiple),
        TokensPerPeriod = rate,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,

        // The partitioned limiter refills its buckets from one timer instead of one timer per bucket.
        AutoReplenishment = false,
    });
}

/// <summary>What a bucket said: admitted or not, the whole tokens left, and when one will be there again.</summary>
internal readonly record struct BucketAnswer(bool Admitted, long Remaining, TimeSpan RetryAfter);
