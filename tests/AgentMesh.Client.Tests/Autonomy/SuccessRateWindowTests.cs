using AgentMesh.Client.Autonomy;

namespace AgentMesh.Client.Tests.Autonomy;

public class SuccessRateWindowTests
{
    [Fact]
    public void Rate_NoOutcomes_IsOne() => Assert.Equal(1.0, new SuccessRateWindow().Rate);

    [Fact]
    public void Rate_ThreeOfFour_IsThreeQuarters()
    {
        var window = new SuccessRateWindow();
        window.Record(true);
        window.Record(true);
        window.Record(false);
        window.Record(true);

        Assert.Equal(0.75, window.Rate);
    }

    [Fact]
    public void Rate_MoreThanCapacity_KeepsOnlyLatest()
    {
        var window = new SuccessRateWindow(capacity: 100);
        for (var i = 0; i < 100; i++)
        {
            window.Record(false);
        }

        for (var i = 0; i < 100; i++)
        {
            window.Record(true);
        }

        Assert.Equal(1.0, window.Rate);
    }
}
