using System.Globalization;

namespace LlmAgent;

/// <summary>
/// Whether the agent should take tasks, as the model's circuit breaker sees it: not while the breaker is open (a
/// task taken then would fail without calling the model and spend one of its attempts), nor while its one half-open
/// trial call is in flight; again as soon as the break ends, so a task can carry the trial call that closes the
/// breaker. Polly moves the breaker from open to half-open only when a call arrives, which is why the break's end
/// is kept here. Fed by the breaker's callbacks; thread-safe.
/// </summary>
internal sealed class ModelAvailability(TimeProvider time)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _openUntil;
    private bool _trialInFlight;

    /// <summary>Null while tasks may be taken; otherwise why not.</summary>
    public string? UnavailableReason
    {
        get
        {
            lock (_gate)
            {
                return _trialInFlight ? "the model's circuit breaker is half-open and its trial call is in flight"
                    : _openUntil is { } until && time.GetUtcNow() < until
                        ? string.Create(CultureInfo.InvariantCulture, $"the model's circuit breaker is open until {until:HH:mm:ss.fff}Z")
                        : null;
            }
        }
    }

    public void Opened(TimeSpan breakDuration)
    {
        lock (_gate)
        {
            _openUntil = time.GetUtcNow() + breakDuration;
            _trialInFlight = false;
        }
    }

    public void HalfOpened()
    {
        lock (_gate)
        {
            _trialInFlight = true;
        }
    }

    public void Closed()
    {
        lock (_gate)
        {
            _openUntil = null;
            _trialInFlight = false;
        }
    }
}
