namespace AgentMesh.Audit;

/// <summary>Forwarding of this node's chain to a SIEM, bound from <c>AgentMesh:Audit:Forwarding</c>. Off until a sink is configured.</summary>
public sealed class AuditForwardingOptions
{
    public const string Section = "AgentMesh:Audit:Forwarding";

    /// <summary>How often new entries are looked for. Default 1 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Entries sent per delivery at most. Default 500.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Syslog over TCP (RFC 5424 messages, RFC 6587 octet-counting framing).</summary>
    public SyslogSinkOptions Syslog { get; set; } = new();

    /// <summary>An HTTPS endpoint receiving signed JSON batches.</summary>
    public WebhookSinkOptions Webhook { get; set; } = new();
}

/// <summary>A syslog collector reached over TCP; off while <see cref="Host"/> is empty.</summary>
public sealed class SyslogSinkOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 514;

    /// <summary>Syslog facility. Default 13 (log audit).</summary>
    public int Facility { get; set; } = 13;

    /// <summary>Attempts per delivery before it is left for the next interval. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Time allowed to connect and write one batch. Default 5 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>A webhook receiving <c>{"entries": [...]}</c>, signed with HMAC-SHA256; off while <see cref="Url"/> is empty.</summary>
public sealed class WebhookSinkOptions
{
    public Uri? Url { get; set; }

    /// <summary>The HMAC key shared with the receiver (at least 32 bytes of UTF-8).</summary>
    public string? Secret { get; set; }

    /// <summary>Attempts per delivery before it is left for the next interval. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Time allowed for one delivery. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
