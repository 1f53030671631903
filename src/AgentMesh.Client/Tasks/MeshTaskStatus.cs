using System.Text.Json.Serialization;

namespace AgentMesh.Client;

/// <summary>Where a task is in its life cycle.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<MeshTaskStatus>))]
public enum MeshTaskStatus
{
    /// <summary>Waiting for its dependencies or a retry backoff.</summary>
    Pending,

    /// <summary>Waiting for an approval.</summary>
    AwaitingApproval,

    /// <summary>Eligible for routing.</summary>
    Queued,

    /// <summary>Leased to an agent.</summary>
    Running,

    /// <summary>Finished with an output.</summary>
    Succeeded,

    /// <summary>Finished with a non-retryable error.</summary>
    Failed,

    /// <summary>Cancelled.</summary>
    Cancelled,

    /// <summary>Its deadline passed before it started.</summary>
    Expired,

    /// <summary>Every attempt failed; kept for an operator to re-queue.</summary>
    DeadLettered,
}
