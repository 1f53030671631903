using System.Text.Json;

namespace AgentMesh.Client;

/// <summary>The answer to a poll.</summary>
public sealed record PollResponse
{
    /// <summary>New work, at most the <c>max</c> asked for.</summary>
    public IReadOnlyList<Assignment> Assignments { get => field ?? []; init; }

    /// <summary>Ids of held tasks whose cancellation was requested.</summary>
    public IReadOnlyList<string> Cancellations { get => field ?? []; init; }

    /// <summary>Pending auction calls, passed through as JSON.</summary>
    public IReadOnlyList<JsonElement> Calls { get => field ?? []; init; }
}
