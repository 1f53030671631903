namespace AgentMesh.Core.Tests;

public class SmokeTests
{
    [Fact]
    public void Add_TwoNumbers_Sums() => Assert.Equal(4, 2 + 2);
}
