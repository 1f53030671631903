namespace AgentMesh.Routing;

/// <summary>
/// Weights of the default routing score (SPEC §5). They must sum to 1.
/// Defaults: capability 0.40, free capacity 0.25, performance 0.20, responsiveness 0.15.
/// </summary>
public sealed record RoutingWeights(double Capability, double Capacity, double Performance, double Responsiveness)
{
    public static RoutingWeights Default { get; } = new(0.40, 0.25, 0.20, 0.15);

    public bool IsValid =>
        Capability >= 0 && Capacity >= 0 && Performance >= 0 && Responsiveness >= 0
        && Math.Abs(Capability + Capacity + Performance + Responsiveness - 1.0) < 1e-9;
}
