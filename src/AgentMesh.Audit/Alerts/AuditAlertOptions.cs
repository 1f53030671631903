namespace AgentMesh.Audit;

/// <summary>Alerts on sensitive actions, bound from <c>AgentMesh:Audit:Alerts</c>. Off until <see cref="Url"/> is set.</summary>
public sealed class AuditAlertOptions
{
    public const string Section = "AgentMesh:Audit:Alerts";

    /// <summary>The webhook alerts are posted to.</summary>
    public Uri? Url { get; set; }

    /// <summary>The HMAC key shared with the receiver (at least 32 bytes), signing as <see cref="WebhookSink"/> does.</summary>
    public string? Secret { get; set; }

    /// <summary>Successful actions that raise an alert. Default: key created or revoked, tenant created, agent quarantined, released or terminated.</summary>
    public IList<string> Actions { get; } = ["key.create", "key.delete", "tenant.create", "agent.quarantine", "agent.release", "agent.terminate"];

    /// <summary>Authentication failures from one address within <see cref="AuthFailureWindow"/> that raise an alert. Default 5.</summary>
    public int AuthFailureThreshold { get; set; } = 5;

    /// <summary>Default 1 minute.</summary>
    public TimeSpan AuthFailureWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Time allowed for one delivery, retries included. Default 2 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}
