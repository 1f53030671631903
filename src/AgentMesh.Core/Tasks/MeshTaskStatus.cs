namespace AgentMesh.Tasks;

/// <summary>SPEC §3.3 task statuses.</summary>
public enum MeshTaskStatus
{
    Pending,
    AwaitingApproval,
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Expired,
    DeadLettered,
}

public static class MeshTaskStatusExtensions
{
    public static bool IsTerminal(this MeshTaskStatus status) =>
        status is MeshTaskStatus.Succeeded or MeshTaskStatus.Failed or MeshTaskStatus.Cancelled or MeshTaskStatus.Expired or MeshTaskStatus.DeadLettered;

    /// <summary>The snake_case name used on the wire and in storage.</summary>
    public static string ToWire(this MeshTaskStatus status) => status switch
    {
        MeshTaskStatus.Pending => "pending",
        MeshTaskStatus.AwaitingApproval => "awaiting_approval",
        MeshTaskStatus.Queued => "queued",
        MeshTaskStatus.Running => "running",
        MeshTaskStatus.Succeeded => "succeeded",
        MeshTaskStatus.Failed => "failed",
        MeshTaskStatus.Cancelled => "cancelled",
        MeshTaskStatus.Expired => "expired",
        MeshTaskStatus.DeadLettered => "dead_lettered",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParseWire(string? text, out MeshTaskStatus status)
    {
        foreach (var candidate in Enum.GetValues<MeshTaskStatus>())
        {
            if (candidate.ToWire() == text)
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
