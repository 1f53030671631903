using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentMesh.Telemetry;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Resilience;

/// <summary>
/// The circuit-breaker state of every dependency, as its pipeline reports it: the gauge
/// <c>agentmesh_breaker_state{dependency}</c> (0 closed, 1 open, 2 half-open), the counter
/// <c>agentmesh_breaker_transitions_total{dependency,state}</c>, a log line per change, and <see cref="Open"/> for
/// readiness.
/// </summary>
public sealed partial class DependencyBreakers : IDisposable
{
    private readonly ConcurrentDictionary<string, BreakerState> _states = new(StringComparer.Ordinal);
    private readonly Meter _meter;
    private readonly Counter<long> _transitions;
    private readonly ILogger _logger;

    /// <summary>Creates the instruments on the <c>AgentMesh</c> meter.</summary>
    public DependencyBreakers(ILogger<DependencyBreakers> logger, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        _meter = meterFactory?.Create(MeshTelemetry.Name) ?? new Meter(MeshTelemetry.Name);
        _transitions = _meter.CreateCounter<long>("agentmesh.breaker.transitions", "{transition}", "Circuit-breaker state changes, by dependency and the state entered.");
        _meter.CreateObservableGauge("agentmesh.breaker.state", Observe, "{state}", "Circuit-breaker state per dependency: 0 closed, 1 open, 2 half-open.");
    }

    /// <summary>Dependencies whose breaker is open now, in name order.</summary>
    public IReadOnlyList<string> Open => [.. _states.Where(static s => s.Value == BreakerState.Open).Select(static s => s.Key).Order(StringComparer.Ordinal)];

    /// <summary>Every dependency seen so far and its breaker state.</summary>
    public IReadOnlyDictionary<string, BreakerState> States => new SortedDictionary<string, BreakerState>(_states, StringComparer.Ordinal);

    /// <summary>The breaker state of <paramref name="dependency"/>; closed for one not seen yet.</summary>
    public BreakerState StateOf(string dependency) => _states.TryGetValue(dependency, out var state) ? state : BreakerState.Closed;

    /// <summary>Makes <paramref name="dependency"/> known as closed, so its gauge reads 0 before its first failure.</summary>
    public void Track(string dependency) => _states.TryAdd(dependency, BreakerState.Closed);

    /// <summary>Records a transition reported by the pipeline of <paramref name="dependency"/>.</summary>
    public void Changed(string dependency, BreakerState state, TimeSpan breakDuration = default, Exception? cause = null)
    {
        var previous = StateOf(dependency);
        _states[dependency] = state;
        _transitions.Add(1, new TagList { { "dependency", dependency }, { "state", Name(state) } });

        // Only the first opening of an outage is an error worth a stack trace; a dependency that stays down fails
        // one trial per break, which is logged at Debug (counted all the same), or an outage with a short break
        // would log an error every second.
        switch (state)
        {
            case BreakerState.Open when previous == BreakerState.HalfOpen:
                LogTrialFailed(_logger, dependency, breakDuration.TotalSeconds);
                break;
            case BreakerState.Open:
                LogOpened(_logger, dependency, breakDuration.TotalSeconds, cause);
                break;
            case BreakerState.HalfOpen:
                LogHalfOpened(_logger, dependency);
                break;
            default:
                LogClosed(_logger, dependency);
                break;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    /// <summary>The state as the health report spells it.</summary>
    public static string Name(BreakerState state) => state switch
    {
        BreakerState.Open => "open",
        BreakerState.HalfOpen => "half_open",
        _ => "closed",
    };

    private IEnumerable<Measurement<int>> Observe()
    {
        foreach (var (dependency, state) in _states)
        {
            yield return new Measurement<int>((int)state, new KeyValuePair<string, object?>("dependency", dependency));
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Error, Message = "The circuit breaker of {Dependency} opened: calls fail at once for {BreakSeconds} s, then one trial call goes through")]
    private static partial void LogOpened(ILogger logger, string dependency, double breakSeconds, Exception? exception);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Debug, Message = "The circuit breaker of {Dependency} is half-open: one trial call goes through")]
    private static partial void LogHalfOpened(ILogger logger, string dependency);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Debug, Message = "The trial call to {Dependency} failed: its circuit breaker is open again for {BreakSeconds} s")]
    private static partial void LogTrialFailed(ILogger logger, string dependency, double breakSeconds);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "The circuit breaker of {Dependency} closed: calls go through again")]
    private static partial void LogClosed(ILogger logger, string dependency);
}

/// <summary>A circuit breaker's state; the numbers are the gauge's values.</summary>
public enum BreakerState
{
    /// <summary>Calls go through.</summary>
    Closed = 0,

    /// <summary>Calls fail at once.</summary>
    Open = 1,

    /// <summary>One trial call goes through.</summary>
    HalfOpen = 2,
}
