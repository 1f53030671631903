namespace AgentMesh.Redis.RateLimits;

/// <summary>The answers of one take: the first bucket's, and the second's when one was asked for and the first admitted.</summary>
public readonly record struct SharedTake(SharedBucketAnswer First, SharedBucketAnswer? Second);
