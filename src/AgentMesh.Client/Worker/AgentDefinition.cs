using System.Text.RegularExpressions;

namespace AgentMesh.Client.Worker;

/// <summary>An agent a worker runs: its registration and its local bulkhead.</summary>
public sealed partial class AgentDefinition
{
    /// <summary>Agent id, 3–256 characters of <c>A-Z a-z 0-9 - _</c>. Required.</summary>
    public string Id { get; set; } = "";

    /// <summary>Display name; the id when <see langword="null"/> (the default).</summary>
    public string? Name { get; set; }

    /// <summary>Free-text kind, such as <c>summarizer</c>; none by default.</summary>
    public string? Type { get; set; }

    /// <summary>Description; none by default.</summary>
    public string? Description { get; set; }

    /// <summary>What the agent can do; at least one is required.</summary>
    public IList<Capability> Capabilities { get; } = new List<Capability>();

    /// <summary>Handlers run at once, 1–1000; also the slots registered with the node. Default 1.</summary>
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>Accepted tasks that may wait locally for a free slot, 0–10000. Default 0.</summary>
    public int QueueCapacity { get; set; }

    /// <summary>Tags; none by default.</summary>
    public IList<string> Tags { get; } = new List<string>();

    /// <summary>String metadata; none by default.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();

    /// <summary>Id of the supervising agent; none by default.</summary>
    public string? Supervisor { get; set; }

    internal void Validate()
    {
        if (!IdPattern().IsMatch(Id))
        {
            throw new ArgumentException($"Agent id '{Id}' must be 3–256 characters of A-Z a-z 0-9 - _.");
        }

        if (Capabilities.Count == 0)
        {
            throw new ArgumentException($"Agent '{Id}' needs at least one capability.");
        }

        if (Capabilities.Any(c => c.Level is < 1 or > 5))
        {
            throw new ArgumentException($"Agent '{Id}': capability levels must be between 1 and 5.");
        }

        if (MaxConcurrency is < 1 or > 1000)
        {
            throw new ArgumentException($"Agent '{Id}': MaxConcurrency must be between 1 and 1000.");
        }

        if (QueueCapacity is < 0 or > 10_000)
        {
            throw new ArgumentException($"Agent '{Id}': QueueCapacity must be between 0 and 10000.");
        }
    }

    internal AgentRegistration ToRegistration() => new()
    {
        Name = Name ?? Id,
        Type = Type,
        Description = Description,
        Capabilities = [.. Capabilities],
        MaxConcurrency = MaxConcurrency,
        Tags = Tags.Count == 0 ? null : [.. Tags],
        Metadata = Metadata.Count == 0 ? null : new Dictionary<string, string>(Metadata),
        Supervisor = Supervisor,
    };

    [GeneratedRegex("^[A-Za-z0-9_-]{3,256}$")]
    private static partial Regex IdPattern();
}
