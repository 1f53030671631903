namespace AgentMesh.Redis.RateLimits;

/// <summary>What a shared bucket said: admitted or not, the whole tokens left, and when one will be there again.</summary>
public readonly record struct SharedBucketAnswer(bool Admitted, long Remaining, TimeSpan RetryAfter);
