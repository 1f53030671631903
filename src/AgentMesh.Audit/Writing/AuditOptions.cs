namespace AgentMesh.Audit;

/// <summary>The audit log of a node, bound from <c>AgentMesh:Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string Section = "AgentMesh:Audit";

    /// <summary>Records audit entries. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>This node's chain: every node appends to its own chain. Default: the machine name, lowercase.</summary>
    public string Chain { get; set; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>Entries waiting for the writer; when full, the request that audits waits (entries are never dropped). Default 8192.</summary>
    public int QueueCapacity { get; set; } = 8192;

    /// <summary>Entries written per transaction at most. Default 512.</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>A checkpoint is signed after this many entries since the last one. Default 1000.</summary>
    public int CheckpointEvery { get; set; } = 1000;

    /// <summary>A checkpoint is signed this long after the last one when entries were added since. Default 10 s.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The Ed25519 private key (base64 of 32 bytes). When empty, <see cref="SigningKeyFile"/> is used.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The key file, created on first start with mode 0600. Default <c>&lt;data&gt;/audit-signing.key</c>.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>
    /// The master key of personal-data sealing (base64 of 32 bytes): it wraps every subject's key and keys the subject
    /// lookup. When empty, <see cref="SubjectKeyFile"/> is used. Nodes sharing one audit store need the same key.
    /// </summary>
    public string? SubjectKey { get; set; }

    /// <summary>The subject master key file, created on first start with mode 0600. Default <c>&lt;data&gt;/audit-subjects.key</c>.</summary>
    public string? SubjectKeyFile { get; set; }

    /// <summary>The audit database of the embedded store. Default <c>&lt;data&gt;/audit.db</c>.</summary>
    public string? Path { get; set; }
}
