namespace AgentMesh.Server.Cluster;

/// <summary>What this node knows of the cluster: whether it leads, and otherwise where the leader listens.</summary>
public sealed class ClusterState
{
    private volatile Snapshot _current = new(ClusterRole.Starting, null, 0);
    private long _leaseHeldUntil;

    public ClusterState(string nodeId)
    {
        NodeId = nodeId;
    }

    public string NodeId { get; }

    public ClusterRole Role => _current.Role;

    /// <summary>The leader's address while this node follows; null when no leader is known.</summary>
    public Uri? LeaderUrl => _current.LeaderUrl;

    public long Epoch => _current.Epoch;

    /// <summary>
    /// While leading: the <see cref="TimeProvider"/> timestamp until which this node surely holds the lease — the lease's
    /// duration from the moment it last asked to take or renew it. No other node can lead before then.
    /// </summary>
    public long LeaseHeldUntil => Volatile.Read(ref _leaseHeldUntil);

    internal void Held(long until) => Volatile.Write(ref _leaseHeldUntil, until);

    internal void Lead(long epoch) => _current = new Snapshot(ClusterRole.Leader, null, epoch);

    internal void Follow(Uri? leader, long epoch) => _current = new Snapshot(ClusterRole.Follower, leader, epoch);

    private sealed record Snapshot(ClusterRole Role, Uri? LeaderUrl, long Epoch);
}

public enum ClusterRole
{
    /// <summary>Not yet through its first look at the lease.</summary>
    Starting,

    /// <summary>Holds the lease and runs the engine.</summary>
    Leader,

    /// <summary>Forwards the API to the leader.</summary>
    Follower,
}
