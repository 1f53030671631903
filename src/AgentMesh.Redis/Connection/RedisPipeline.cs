using System.Runtime.ExceptionServices;
using AgentMesh.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace AgentMesh.Redis.Connection;

/// <summary>
/// How one Redis user calls Redis: through the node's <see cref="Dependencies.Redis"/> pipeline (shared by every user,
/// so they share its breaker), never retried, and without throwing for Redis's sake — a failure, a timeout or an open
/// breaker comes back as an outcome the caller answers without Redis. It also remembers whether this user's last call
/// was answered, so the user logs the change once.
/// </summary>
internal sealed class RedisPipeline
{
    private readonly DependencyPipelines _pipelines;
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _time;
    private int _local;
    private long _localSince;
    private long _openUntil;

    public RedisPipeline(DependencyPipelines pipelines, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        _pipelines = pipelines;
        _pipeline = pipelines.Get(Dependencies.Redis, IsFailure, retry: false);
        _time = time;
    }

    /// <summary>True from a call Redis did not answer until one it answers.</summary>
    public bool IsLocal => Volatile.Read(ref _local) == 1;

    /// <summary>Whether the breaker is closed: calls go to Redis.</summary>
    public bool IsClosed => _pipelines.State(Dependencies.Redis) == BreakerState.Closed;

    /// <summary>
    /// Whether the breaker is open and stays so for a while yet, as the pipeline last answered this user: then the user
    /// goes without Redis at once, without building a call the pipeline would only refuse. When the break ends the
    /// pipeline is asked again (and lets one trial through).
    /// </summary>
    public bool IsOpen =>
        _time.GetTimestamp() < Volatile.Read(ref _openUntil) && _pipelines.State(Dependencies.Redis) == BreakerState.Open;

    /// <summary>
    /// Runs <paramref name="call"/> unless the breaker is open; a failure, the pipeline's timeout or the open breaker
    /// is the outcome's exception (see <see cref="Reason"/>). Only the caller's own cancellation throws.
    /// </summary>
    public async ValueTask<Outcome<TResult>> ExecuteAsync<TResult, TState>(
        Func<TState, Task<TResult>> call, TState state, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        Outcome<TResult> outcome;
        try
        {
            outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (context, s) =>
                {
                    try
                    {
                        // Redis commands take no token: the pipeline's timeout ends the wait, not the command.
                        return Outcome.FromResult(await s.call(s.state).WaitAsync(context.CancellationToken));
                    }
                    catch (Exception exception)
                    {
                        return Outcome.FromException<TResult>(exception);
                    }
                },
                context,
                (call, state));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (outcome.Exception is BrokenCircuitException { RetryAfter: { } retryAfter })
        {
            Volatile.Write(ref _openUntil, _time.GetTimestamp() + (long)(retryAfter.TotalSeconds * _time.TimestampFrequency));
        }
        else if (outcome.Exception is { } failure && !IsUnanswered(failure))
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return outcome;
    }

    /// <summary>
    /// Runs a synchronous <paramref name="call"/> unless the breaker is open, which throws
    /// <see cref="BrokenCircuitException"/>; the timeout cannot end a synchronous call (the connection's own does).
    /// </summary>
    public TResult Execute<TResult, TState>(Func<TState, TResult> call, TState state) => _pipeline.Execute(call, state);

    /// <summary>Records a call Redis did not answer; true when it ends a time of answers (log it once).</summary>
    public bool Failed()
    {
        if (Interlocked.Exchange(ref _local, 1) == 0)
        {
            Volatile.Write(ref _localSince, _time.GetTimestamp());
            return true;
        }

        return false;
    }

    /// <summary>Records an answer; how long this user went without Redis when it ends such a time, else null.</summary>
    public TimeSpan? Answered() =>
        Interlocked.Exchange(ref _local, 0) == 1 ? _time.GetElapsedTime(Volatile.Read(ref _localSince)) : null;

    /// <summary>What the log says about a call Redis did not answer.</summary>
    public static string Reason(Exception exception) => exception switch
    {
        TimeoutRejectedException => "timed out",
        BrokenCircuitException => "circuit open",
        _ => exception.GetType().Name,
    };

    /// <summary>Whether <paramref name="exception"/> means Redis did not answer (failed, timed out, or the breaker is open) rather than a bug or the caller's cancellation.</summary>
    public static bool IsUnanswered(Exception exception) => IsFailure(exception) || exception is BrokenCircuitException or TimeoutRejectedException;

    /// <summary>What counts against the breaker: Redis refused, failed or timed out (its own timeout, or the pipeline's).</summary>
    private static bool IsFailure(Exception exception) => exception is RedisException or TimeoutException;
}
