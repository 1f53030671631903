namespace AgentMesh.Tasks;

/// <summary>How the mesh chooses among capable agents (SPEC §5).</summary>
public enum RoutingStrategy
{
    /// <summary>Weighted score of capability, free capacity, success rate and responsiveness.</summary>
    Default,

    /// <summary>The candidate with the fewest tasks in flight.</summary>
    LeastLoaded,

    /// <summary>Candidates in turn.</summary>
    RoundRobin,
}

public static class RoutingStrategyNames
{
    public static string ToWire(this RoutingStrategy strategy) => strategy switch
    {
        RoutingStrategy.LeastLoaded => "least_loaded",
        RoutingStrategy.RoundRobin => "round_robin",
        _ => "default",
    };

    public static bool TryParse(string? text, out RoutingStrategy strategy)
    {
        switch (text)
        {
            case null or "default":
                strategy = RoutingStrategy.Default;
                return true;
            case "least_loaded":
                strategy = RoutingStrategy.LeastLoaded;
                return true;
            case "round_robin":
                strategy = RoutingStrategy.RoundRobin;
                return true;
            default:
                strategy = default;
                return false;
        }
    }
}
