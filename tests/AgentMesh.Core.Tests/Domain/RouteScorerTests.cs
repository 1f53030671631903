using AgentMesh.Routing;

namespace AgentMesh.Core.Tests.Domain;

public class RouteScorerTests
{
    [Fact]
    public void Score_WorkedExample_MatchesTheSpecFormula()
    {
        // level 4 → 0.40·0.8 = 0.32; 3 of 4 slots free → 0.25·0.75 = 0.1875;
        // success 0.9 → 0.20·0.9 = 0.18; latency 2 s → 0.15·(1 − 0.2) = 0.12. Sum 0.8075.
        var score = RouteScorer.Score(RoutingWeights.Default, meanLevel: 4, freeSlots: 3, slots: 4, successRate: 0.9, latencyMs: 2_000);

        Assert.Equal(0.8075, score, precision: 10);
    }

    [Fact]
    public void Score_LatencyAboveTenSeconds_GivesNoResponsiveness()
    {
        var slow = RouteScorer.Score(RoutingWeights.Default, 5, 1, 1, 1, 60_000);

        Assert.Equal(0.85, slow, precision: 10);
    }

    [Fact]
    public void Score_PerfectIdleAgent_IsOne() =>
        Assert.Equal(1.0, RouteScorer.Score(RoutingWeights.Default, 5, 8, 8, 1, 0), precision: 10);

    [Theory]
    [InlineData(0.40, 0.25, 0.20, 0.15, true)]
    [InlineData(1, 0, 0, 0, true)]
    [InlineData(0.5, 0.5, 0.5, 0, false)]
    [InlineData(-0.1, 0.5, 0.5, 0.1, false)]
    public void Weights_MustBeNonNegativeAndSumToOne(double capability, double capacity, double performance, double responsiveness, bool valid) =>
        Assert.Equal(valid, new RoutingWeights(capability, capacity, performance, responsiveness).IsValid);
}
