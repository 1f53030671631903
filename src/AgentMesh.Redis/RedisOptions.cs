namespace AgentMesh.Redis;

/// <summary>
/// The node's Redis connection, bound from <c>AgentMesh:Redis</c>; <see cref="ConnectionString"/> comes from
/// <c>ConnectionStrings:Redis</c> (or <c>agentmesh serve --redis</c>). Redis is optional: without it every node
/// keeps its rate limits in memory, and while it does not answer a node falls back to those.
/// </summary>
public sealed class RedisOptions
{
    /// <summary>The configuration section of the connection's settings.</summary>
    public const string Section = "AgentMesh:Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379,password=…</c>. Required.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Prefix of every key AgentMesh writes, so clusters can share one Redis. Default <c>agentmesh:</c>.</summary>
    public string KeyPrefix { get; set; } = "agentmesh:";

    /// <summary>How long one attempt to (re)connect may take. Default 2 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    internal string? Problem()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            return "ConnectionStrings:Redis (the Redis configuration string) is required.";
        }

        try
        {
            _ = StackExchange.Redis.ConfigurationOptions.Parse(ConnectionString);
        }
        catch (ArgumentException exception)
        {
            return $"ConnectionStrings:Redis is not a Redis configuration string: {exception.Message}";
        }

        return KeyPrefix.Length > 64 ? $"{Section}:KeyPrefix must be at most 64 characters."
            : ConnectTimeout <= TimeSpan.Zero ? $"{Section}:ConnectTimeout must be positive."
            : null;
    }
}
