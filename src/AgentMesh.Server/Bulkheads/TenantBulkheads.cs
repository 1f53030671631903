using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using AgentMesh.Telemetry;

namespace AgentMesh.Server.Bulkheads;

/// <summary>
/// One <see cref="ConcurrencyLimiter"/> per tenant, created on its first request and kept (there is one per tenant
/// of the node), with <c>agentmesh_bulkhead_rejections_total{tenant}</c> and <c>agentmesh_bulkhead_in_progress{tenant}</c>.
/// </summary>
internal sealed class TenantBulkheads : IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrencyLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly BulkheadOptions _options;
    private readonly Meter _meter;
    private readonly Counter<long> _rejections;

    public TenantBulkheads(BulkheadOptions options, IMeterFactory? meterFactory)
    {
        _options = options;
        _meter = meterFactory?.Create(MeshTelemetry.Name) ?? new Meter(MeshTelemetry.Name);
        _rejections = _meter.CreateCounter<long>("agentmesh.bulkhead.rejections", "{request}", "Requests refused with 429 because their tenant's bulkhead and its queue were full, by tenant.");
        _meter.CreateObservableGauge("agentmesh.bulkhead.in_progress", ObserveInProgress, "{request}", "Requests holding a permit of their tenant's bulkhead, by tenant.");
    }

    public BulkheadOptions Options => _options;

    /// <summary>A permit of <paramref name="tenant"/>'s bulkhead, waiting at most <see cref="BulkheadOptions.MaxQueueWait"/>; not acquired when its queue is full or the wait ran out.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(string tenant, CancellationToken cancellationToken)
    {
        var limiter = _limiters.GetOrAdd(tenant, static (_, options) => new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.PermitsPerTenant,
            QueueLimit = options.QueueLimitPerTenant,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }), _options);
        var lease = limiter.AttemptAcquire();
        if (lease.IsAcquired || _options.QueueLimitPerTenant == 0)
        {
            return lease;
        }

        lease.Dispose();
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(_options.MaxQueueWait);
        try
        {
            return await limiter.AcquireAsync(1, wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Refused.Instance;
        }
    }

    public void Rejected(string tenant) => _rejections.Add(1, new TagList { { "tenant", tenant } });

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }

        _meter.Dispose();
    }

    private IEnumerable<Measurement<long>> ObserveInProgress()
    {
        foreach (var (tenant, limiter) in _limiters)
        {
            var statistics = limiter.GetStatistics();
            if (statistics is not null)
            {
                yield return new Measurement<long>(_options.PermitsPerTenant - statistics.CurrentAvailablePermits, new KeyValuePair<string, object?>("tenant", tenant));
            }
        }
    }

    /// <summary>The answer when the wait for a permit ran out.</summary>
    private sealed class Refused : RateLimitLease
    {
        public static readonly Refused Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
