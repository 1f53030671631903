namespace AgentMesh.Cli.Bench;

/// <summary>Percentiles of latency samples in milliseconds (nearest-rank).</summary>
internal sealed record LatencySummary(double P50, double P90, double P99, double Max)
{
    public static LatencySummary From(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0)
        {
            return new LatencySummary(0, 0, 0, 0);
        }

        var sorted = samples.Order().ToArray();
        return new LatencySummary(Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99), sorted[^1]);
    }

    private static double Rank(double[] sorted, double quantile) =>
        Math.Round(sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)], 3);
}
