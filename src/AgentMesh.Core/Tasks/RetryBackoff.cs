namespace AgentMesh.Tasks;

/// <summary>Exponential backoff with full jitter: a delay drawn uniformly from [0, min(cap, base·2^(n−1))].</summary>
public static class RetryBackoff
{
    /// <param name="failedAttempts">How many attempts have failed so far (1 after the first failure).</param>
    /// <param name="baseDelay">The first ceiling (1 s by default in the engine).</param>
    /// <param name="cap">The largest ceiling (5 min by default in the engine).</param>
    /// <param name="random01">A uniform draw from [0, 1).</param>
    public static TimeSpan Delay(int failedAttempts, TimeSpan baseDelay, TimeSpan cap, double random01)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var ceiling = Math.Min(cap.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling * Math.Clamp(random01, 0, 1));
    }

    public static TimeSpan Ceiling(int failedAttempts, TimeSpan baseDelay, TimeSpan cap) => Delay(failedAttempts, baseDelay, cap, 1.0);
}
