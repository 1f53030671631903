namespace AgentMesh.Routing;

/// <summary>The default routing score of SPEC §5; higher is better.</summary>
public static class RouteScorer
{
    /// <summary>Latency at or above this scores zero responsiveness.</summary>
    public const double LatencyCeilingMs = 10_000;

    /// <param name="weights">The tenant's weights.</param>
    /// <param name="meanLevel">Mean of the agent's levels over the task's requirements (1–5); 5 when the task has none.</param>
    /// <param name="freeSlots">Slots not in use.</param>
    /// <param name="slots">The agent's maxConcurrency.</param>
    /// <param name="successRate">0–1 over the last 100 outcomes; 1 with no history.</param>
    /// <param name="latencyMs">Moving average of execution time; 0 with no history.</param>
    public static double Score(RoutingWeights weights, double meanLevel, int freeSlots, int slots, double successRate, double latencyMs) =>
        (weights.Capability * (meanLevel / 5.0))
        + (weights.Capacity * ((double)freeSlots / slots))
        + (weights.Performance * successRate)
        + (weights.Responsiveness * (1.0 - Math.Min(latencyMs / LatencyCeilingMs, 1.0)));
}
