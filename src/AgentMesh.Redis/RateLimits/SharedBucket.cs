namespace AgentMesh.Redis.RateLimits;

/// <summary>A bucket in Redis: its name (under the key prefix), its refill rate per second and its size.</summary>
public readonly record struct SharedBucket(string Name, int Rate, int Burst);
