namespace AgentMesh.Server.Cluster;

/// <summary>How a node on PostgreSQL takes part in its cluster. Configuration section <c>AgentMesh:Cluster</c>.</summary>
public sealed class ClusterOptions
{
    public const string Section = "AgentMesh:Cluster";

    /// <summary>This node's name in the cluster; default a new random one at every start.</summary>
    public string? NodeId { get; set; }

    /// <summary>The address other nodes forward requests to when this node leads; default the first address it listens on.</summary>
    public string? AdvertiseUrl { get; set; }

    /// <summary>How long the leader's lease lasts without renewal: the longest a cluster runs without a leader after the leader dies. Default 5 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the leader renews its lease and followers look for a leader. Default 1 s; at most a third of <see cref="LeaseDuration"/>.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
