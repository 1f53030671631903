using AgentMesh.Cli.Bench;

namespace AgentMesh.Cli.Tests;

public sealed class BenchWarmupTests
{
    [Theory]
    [InlineData(50_000, null, 50_000)] // a burn-down warms up with a burn-down as long as the measured one
    [InlineData(10_000, null, 10_000)]
    [InlineData(200_000, null, 50_000)]
    [InlineData(10_000, 1_000, 20_000)] // 20 s at the measured rate
    [InlineData(10_000, 100, 2_000)]
    [InlineData(10_000, 5_000, 50_000)]
    [InlineData(10_000, int.MaxValue, 50_000)]
    public void DefaultWarmup_IsTheDocumentedLength(int tasks, int? rate, int expected) =>
        Assert.Equal(expected, BenchCommand.DefaultWarmup(tasks, rate));
}
