using AgentMesh.Tasks;

namespace AgentMesh.Core.Tests.Domain;

public class RetryBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(9, 256)]
    [InlineData(10, 300)]
    [InlineData(50, 300)]
    public void Ceiling_DoublesPerFailureUpToTheCap(int failures, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryBackoff.Ceiling(failures, Base, Cap));

    [Fact]
    public void Delay_IsFullJitter_UniformFromZeroToTheCeiling()
    {
        var random = new Random(7);

        var delays = Enumerable.Range(0, 10_000).Select(_ => RetryBackoff.Delay(3, Base, Cap, random.NextDouble()).TotalSeconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, 0, 4));
        Assert.InRange(delays.Average(), 1.9, 2.1);
        Assert.InRange(delays.Min(), 0, 0.01);
        Assert.InRange(delays.Max(), 3.99, 4);
    }
}
