namespace AgentMesh.Nats.Outbox;

/// <summary>
/// The NATS JetStream outbox relay, bound from <c>AgentMesh:Nats</c>; <see cref="Url"/> comes from
/// <c>ConnectionStrings:Nats</c> (or <c>agentmesh serve --nats</c>). Without a URL no relay runs.
/// </summary>
public sealed class NatsRelayOptions
{
    /// <summary>The configuration section of the relay's settings.</summary>
    public const string Section = "AgentMesh:Nats";

    /// <summary>The stream every event goes to. Default <c>AGENTMESH_EVENTS</c>.</summary>
    public const string DefaultStream = "AGENTMESH_EVENTS";

    /// <summary>NATS server URL(s), comma-separated, e.g. <c>nats://127.0.0.1:4222</c>. Required.</summary>
    public string Url { get; set; } = "";

    /// <summary>The JetStream stream, created or updated at start with subjects <c>agentmesh.&gt;</c>. Default <c>AGENTMESH_EVENTS</c>.</summary>
    public string Stream { get; set; } = DefaultStream;

    /// <summary>The outbox cursor that remembers the last published sequence. Default <c>nats</c>.</summary>
    public string CursorName { get; set; } = "nats";

    /// <summary>Events read and published (pipelined) per round. Default 256; 1–10000.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>When caught up, the longest wait before the outbox is read again; a commit on this node wakes the relay sooner. Default 100 ms.</summary>
    public TimeSpan IdleInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>JetStream drops a message whose <c>Nats-Msg-Id</c> it saw within this window. Default 2 minutes.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a round waits for every acknowledgement before it counts as failed. Default 5 s.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First retry delay after a failure; doubles per failure, with full jitter. Default 100 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound of the retry delay. Default 5 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    internal bool IsValid(out string error)
    {
        error = Url.Length == 0 ? "ConnectionStrings:Nats (the NATS URL) is required."
            : string.IsNullOrWhiteSpace(Stream) || Stream.IndexOfAny(['.', '*', '>', ' ', '/', '\\']) >= 0 ? $"{Section}:Stream must be a name without '.', '*', '>', '/', '\\' or spaces."
            : string.IsNullOrWhiteSpace(CursorName) ? $"{Section}:CursorName is required."
            : BatchSize is < 1 or > 10_000 ? $"{Section}:BatchSize must be between 1 and 10000."
            : IdleInterval <= TimeSpan.Zero || PublishTimeout <= TimeSpan.Zero || RetryBaseDelay <= TimeSpan.Zero ? $"{Section} intervals and timeouts must be positive."
            : RetryMaxDelay < RetryBaseDelay ? $"{Section}:RetryMaxDelay must be at least RetryBaseDelay."
            : DuplicateWindow < TimeSpan.FromSeconds(1) ? $"{Section}:DuplicateWindow must be at least 1 second."
            : "";
        return error.Length == 0;
    }
}
