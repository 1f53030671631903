namespace AgentMesh.Client;

/// <summary>
/// How long to wait before the next try. Exponential backoff with full jitter: a random delay in
/// [0, min(cap, base·2^(attempt−1))) — unless the node said how long to wait (<c>Retry-After</c>, on
/// <c>429</c> and <c>503</c>): then that long and up to a fifth more (at least <see cref="Base"/>), however
/// many tries came before, since a node that asks for a second means a second, not ten.
/// </summary>
internal static class Backoff
{
    public static readonly TimeSpan Base = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(10);

    /// <summary>The longest <c>Retry-After</c> honoured; a longer one (or a date far ahead) waits this long.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(5);

    private static TimeSpan Exponential(int attempt)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ceiling = Math.Min(Cap.TotalMilliseconds, Base.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    /// <summary>The delay after <paramref name="failure"/>, the <paramref name="attempt"/>-th failure in a row.</summary>
    public static TimeSpan Delay(int attempt, Exception? failure)
    {
        if (failure is not AgentMeshApiException { RetryAfter: { } asked })
        {
            return Exponential(attempt);
        }

        var wait = asked < TimeSpan.Zero ? TimeSpan.Zero : asked > MaxRetryAfter ? MaxRetryAfter : asked;
        var spread = Math.Max(wait.TotalMilliseconds / 5, Base.TotalMilliseconds);
        return wait + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * spread);
    }
}
