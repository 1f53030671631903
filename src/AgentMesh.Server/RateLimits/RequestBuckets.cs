using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using AgentMesh.Redis.RateLimits;
using AgentMesh.Server.Cluster;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.RateLimits;

/// <summary>
/// One token bucket per tenant and one per credential (or remote address), created on first use and dropped by the
/// partitioned limiters once full and idle for a while; they also refill every bucket from one shared timer. With
/// Redis configured the buckets live in Redis, shared by every node; a decision Redis cannot make in time is made by
/// this node's own buckets, and counted.
/// </summary>
internal sealed class RequestBuckets : IDisposable
{
    private const string TenantBucket = "tenant:";
    private const string CredentialBucket = "credential:";

    private readonly RateLimitOptions _options;
    private readonly NodeReads _reads;
    private readonly RedisTokenBuckets? _shared;
    private readonly RateLimitMetrics? _metrics;

    // Quotas never change after a tenant is created and tenants are never removed, so this grows only with tenants.
    private readonly ConcurrentDictionary<string, int> _tenantRates = new(StringComparer.Ordinal);
    private readonly Func<string, RateLimiter> _tenantBucket;
    private readonly Func<CredentialKey, RateLimiter> _credentialBucket;
    private readonly PartitionedRateLimiter<string> _tenants;
    private readonly PartitionedRateLimiter<CredentialKey> _credentials;

    public RequestBuckets(IOptions<RateLimitOptions> options, NodeReads reads, RedisTokenBuckets? shared = null, RateLimitMetrics? metrics = null)
    {
        _options = options.Value;
        _reads = reads;
        _shared = shared;
        _metrics = metrics;
        _tenantBucket = tenant => Bucket(_tenantRates[tenant], _options.TenantBurstMultiple);
        _credentialBucket = _ => Bucket(_options.PerKeyRequestsPerSecond, _options.PerKeyBurstMultiple);
        _tenants = PartitionedRateLimiter.Create<string, string>(tenant => RateLimitPartition.Get(tenant, _tenantBucket), StringComparer.Ordinal);
        _credentials = PartitionedRateLimiter.Create<CredentialKey, CredentialKey>(key => RateLimitPartition.Get(key, _credentialBucket));
    }

    public int CredentialRate => _options.PerKeyRequestsPerSecond;

    public int CredentialBurst => RateLimitOptions.Burst(_options.PerKeyRequestsPerSecond, _options.PerKeyBurstMultiple);

    /// <summary>The tenant's rate, or <see langword="null"/> for a tenant that does not exist (its requests answer 404).</summary>
    public ValueTask<int?> TenantRateAsync(HttpContext http, string tenant) =>
        _tenantRates.TryGetValue(tenant, out var rate) ? ValueTask.FromResult<int?>(rate) : FindTenantRateAsync(http, tenant);

    private async ValueTask<int?> FindTenantRateAsync(HttpContext http, string tenant) =>
        await _reads.GetTenantAsync(http, tenant) is { } found ? _tenantRates.GetOrAdd(tenant, found.Quotas.RequestsPerSecond) : null;

    public int TenantBurst(int rate) => RateLimitOptions.Burst(rate, _options.TenantBurstMultiple);

    /// <summary>
    /// Takes one token from the credential's bucket and, when it admits and <paramref name="tenant"/> is given (a
    /// tenant <see cref="TenantRateAsync"/> found), one from the tenant's. With Redis, both in one round trip.
    /// </summary>
    public ValueTask<RequestAnswers> TakeAsync(CredentialKey credential, string? tenant, CancellationToken cancellationToken)
    {
        if (_shared is null)
        {
            return ValueTask.FromResult(TakeLocally(credential, tenant));
        }

        var byCredential = new SharedBucket($"{CredentialBucket}{credential.Scheme}:{credential.Id}", CredentialRate, CredentialBurst);
        SharedBucket? byTenant = tenant is null ? null : new SharedBucket(TenantBucket + tenant, _tenantRates[tenant], TenantBurst(_tenantRates[tenant]));
        return TakeSharedAsync(credential, tenant, byCredential, byTenant, cancellationToken);
    }

    private async ValueTask<RequestAnswers> TakeSharedAsync(
        CredentialKey credential, string? tenant, SharedBucket byCredential, SharedBucket? byTenant, CancellationToken cancellationToken)
    {
        if (await _shared!.TryTakeAsync(byCredential, byTenant, cancellationToken) is { } take)
        {
            return new RequestAnswers(Answer(take.First), take.Second is { } second ? Answer(second) : null);
        }

        _metrics?.DecidedLocally(credential.IsAddress ? "address" : "key");
        var answers = TakeLocally(credential, tenant);
        if (answers.Tenant is not null)
        {
            _metrics?.DecidedLocally("tenant");
        }

        return answers;

        static BucketAnswer Answer(SharedBucketAnswer answer) => new(answer.Admitted, answer.Remaining, answer.RetryAfter);
    }

    private RequestAnswers TakeLocally(CredentialKey credential, string? tenant)
    {
        var byCredential = Take(_credentials, credential);
        return new RequestAnswers(byCredential, byCredential.Admitted && tenant is not null ? Take(_tenants, tenant) : null);
    }

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

/// <summary>The credential's bucket's answer, and the tenant's when there is a tenant and the credential's admitted.</summary>
internal readonly record struct RequestAnswers(BucketAnswer Credential, BucketAnswer? Tenant);
