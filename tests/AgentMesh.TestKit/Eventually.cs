namespace AgentMesh.TestKit;

/// <summary>Polls a condition until it holds, failing the test with what it waited for after a bounded wait.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Timed out after {seconds} s waiting until {what}.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, int seconds = 20) =>
        TrueAsync(() => Task.FromResult(condition()), what, seconds);
}
