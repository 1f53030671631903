namespace AgentMesh.Server.RateLimits;

/// <summary>
/// Token-bucket request limits on <c>/v1</c>, bound from <c>AgentMesh:RateLimits</c>. A request must be admitted by
/// its tenant's bucket (refilled at the tenant's <c>quotas.requestsPerSecond</c>) and by its credential's bucket;
/// a request without a valid credential is limited by its remote address at the per-key rate.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "AgentMesh:RateLimits";

    /// <summary>Whether requests are limited at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A tenant's bucket holds this many seconds of its rate: the burst it may send at once. Default 2.</summary>
    public double TenantBurstMultiple { get; set; } = 2;

    /// <summary>The rate of each credential's bucket (and each remote address's, for unauthenticated requests). Default 1,000.</summary>
    public int PerKeyRequestsPerSecond { get; set; } = 1_000;

    /// <summary>A credential's bucket holds this many seconds of <see cref="PerKeyRequestsPerSecond"/>. Default 2.</summary>
    public double PerKeyBurstMultiple { get; set; } = 2;

    /// <summary>Why these options cannot be used, or <see langword="null"/> when they can.</summary>
    public string? Problem()
    {
        if (PerKeyRequestsPerSecond is < 1 or > 1_000_000)
        {
            return $"{Section}:PerKeyRequestsPerSecond must be between 1 and 1000000.";
        }

        if (!(TenantBurstMultiple is >= 1 and <= 100) || !(PerKeyBurstMultiple is >= 1 and <= 100))
        {
            return $"{Section}:TenantBurstMultiple and {Section}:PerKeyBurstMultiple must be between 1 and 100.";
        }

        return null;
    }

    internal static int Burst(int rate, double multiple) => (int)Math.Min(int.MaxValue, Math.Ceiling(rate * multiple));
}
