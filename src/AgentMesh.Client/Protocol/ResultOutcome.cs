using System.Text.Json.Serialization;

namespace AgentMesh.Client;

/// <summary>What an agent reports for a leased task.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<ResultOutcome>))]
public enum ResultOutcome
{
    /// <summary>Done, with an output.</summary>
    Succeeded,

    /// <summary>Failed, with an error and whether a retry may help.</summary>
    Failed,

    /// <summary>Not taken; the task goes back to routing without this agent.</summary>
    Declined,
}
