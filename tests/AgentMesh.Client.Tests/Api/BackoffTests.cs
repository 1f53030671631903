using System.Net;

namespace AgentMesh.Client.Tests.Api;

public sealed class BackoffTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    public void Delay_NodeSaidRetryAfter_WaitsThatLongAndUpToAFifthMore_WhateverTheAttempt(int attempt)
    {
        var failure = Unavailable(TimeSpan.FromSeconds(2));

        var delays = Enumerable.Range(0, 1000).Select(_ => Backoff.Delay(attempt, failure)).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4)));
        Assert.True(delays.Max() - delays.Min() > TimeSpan.FromMilliseconds(200), "the delays should be spread, so that many agents do not come back at once");
    }

    [Fact]
    public void Delay_RetryAfterZero_StillSpreadsOverTheBaseDelay()
    {
        var delays = Enumerable.Range(0, 1000).Select(_ => Backoff.Delay(5, Unavailable(TimeSpan.Zero))).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, Backoff.Base));
    }

    [Fact]
    public void Delay_RetryAfterBeyondTheLimit_WaitsTheLimit()
    {
        var delay = Backoff.Delay(1, Unavailable(TimeSpan.FromDays(1)));

        Assert.InRange(delay, Backoff.MaxRetryAfter, Backoff.MaxRetryAfter * 1.2);
    }

    [Fact]
    public void Delay_WithoutRetryAfter_IsFullJitterBelowTheGrowingCeilingAndTheCap()
    {
        var connectionRefused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused");

        Assert.All(Enumerable.Range(0, 1000).Select(_ => Backoff.Delay(1, connectionRefused)), d => Assert.InRange(d, TimeSpan.Zero, Backoff.Base));
        Assert.All(Enumerable.Range(0, 1000).Select(_ => Backoff.Delay(3, Unavailable(null))), d => Assert.InRange(d, TimeSpan.Zero, Backoff.Base * 4));
        var late = Enumerable.Range(0, 1000).Select(_ => Backoff.Delay(30, connectionRefused)).ToList();
        Assert.All(late, d => Assert.InRange(d, TimeSpan.Zero, Backoff.Cap));
        Assert.Contains(late, d => d > Backoff.Cap / 2);
    }

    private static AgentMeshApiException Unavailable(TimeSpan? retryAfter) =>
        ProblemReader.Parse(HttpStatusCode.ServiceUnavailable, """{"status":503,"code":"no_leader"}""", headerRequestId: null, retryAfter);
}
