using AgentMesh.Resilience;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Core.Tests.Resilience;

public sealed class DependencyBreakersTests
{
    [Fact]
    public void Changed_DependencyStaysDown_OneErrorForTheOutageAndTheFailedTrialsAtDebug()
    {
        var logger = new Recorded();
        using var breakers = new DependencyBreakers(logger);

        breakers.Changed("Redis", BreakerState.Open, TimeSpan.FromSeconds(1), new TimeoutException("no answer"));
        for (var i = 0; i < 5; i++)
        {
            breakers.Changed("Redis", BreakerState.HalfOpen);
            breakers.Changed("Redis", BreakerState.Open, TimeSpan.FromSeconds(1), new TimeoutException("no answer"));
        }

        breakers.Changed("Redis", BreakerState.HalfOpen);
        breakers.Changed("Redis", BreakerState.Closed);

        Assert.Equal([(1301, LogLevel.Error)], logger.Entries.Where(static e => e.Level >= LogLevel.Warning));
        Assert.Equal(5, logger.Entries.Count(static e => e == (1304, LogLevel.Debug)));
        Assert.Equal(6, logger.Entries.Count(static e => e == (1302, LogLevel.Debug)));
        Assert.Equal((1303, LogLevel.Information), logger.Entries[^1]);
        Assert.Equal(BreakerState.Closed, breakers.StateOf("Redis"));
    }

    [Fact]
    public void Changed_OpensAgainAfterClosing_IsAnErrorAgain()
    {
        var logger = new Recorded();
        using var breakers = new DependencyBreakers(logger);

        breakers.Changed("PostgresCommits", BreakerState.Open, TimeSpan.FromSeconds(5));
        breakers.Changed("PostgresCommits", BreakerState.HalfOpen);
        breakers.Changed("PostgresCommits", BreakerState.Closed);
        breakers.Changed("PostgresCommits", BreakerState.Open, TimeSpan.FromSeconds(5));

        Assert.Equal(2, logger.Entries.Count(static e => e == (1301, LogLevel.Error)));
    }

    private sealed class Recorded : ILogger<DependencyBreakers>
    {
        public List<(int EventId, LogLevel Level)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId.Id, logLevel));
    }
}
