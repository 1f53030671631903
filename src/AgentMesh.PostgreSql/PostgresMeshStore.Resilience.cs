using System.Collections.Concurrent;
using AgentMesh.Engine;
using AgentMesh.Resilience;
using Npgsql;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AgentMesh.PostgreSql;

public sealed partial class PostgresMeshStore
{
    // Commits given up on at their timeout whose outcome is not known yet.
    private readonly ConcurrentDictionary<Task, byte> _unsettled = new();
    private ResiliencePipeline _reads = ResiliencePipeline.Empty;
    private ResiliencePipeline _commits = ResiliencePipeline.Empty;
    private TimeSpan _readTimeout = Timeout.InfiniteTimeSpan;
    private TimeSpan _commitTimeout = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Puts reads and commits behind the pipelines <see cref="Dependencies.PostgresReads"/> and
    /// <see cref="Dependencies.PostgresCommits"/>. Call before <see cref="InitializeAsync"/>; without it every call
    /// waits for Npgsql, which cannot cancel a statement on a server that is up but frozen.
    /// </summary>
    public void UseResilience(DependencyPipelines pipelines)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        _reads = pipelines.Get(Dependencies.PostgresReads, IsTransient);
        _commits = pipelines.Get(Dependencies.PostgresCommits, IsTransient, retry: false);
        _readTimeout = pipelines.Options(Dependencies.PostgresReads).Timeout;
        _commitTimeout = pipelines.Options(Dependencies.PostgresCommits).Timeout;
    }

    /// <summary>
    /// A read that stops waiting at the timeout even when Npgsql cannot (a frozen server answers neither the statement
    /// nor its cancellation): the read goes on in the background and its connection returns to the pool when the
    /// server does.
    /// </summary>
    private Task<T> BoundedRead<T>(Task<T> read, CancellationToken cancellationToken) =>
        _readTimeout == Timeout.InfiniteTimeSpan ? read : read.WaitAsync(_readTimeout, cancellationToken);

    /// <summary>
    /// A commit that stops waiting at the timeout. Its outcome is then unknown: it is remembered until it ends, and
    /// no later commit or state load runs before, so the engine never reloads a state that commit changes afterwards.
    /// </summary>
    private async Task BoundedCommit(Func<CancellationToken, Task> commit, CancellationToken cancellationToken)
    {
        await SettledAsync(_commitTimeout, cancellationToken);
        if (_commitTimeout == Timeout.InfiniteTimeSpan)
        {
            await commit(cancellationToken);
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_commitTimeout);
        var running = commit(deadline.Token);
        try
        {
            await running.WaitAsync(_commitTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            Remember(running);
            throw;
        }
        catch (OperationCanceledException) when (!running.IsCompleted)
        {
            Remember(running);
            throw;
        }
    }

    private void Remember(Task running)
    {
        _unsettled.TryAdd(running, 0);
        running.ContinueWith(
            (ended, state) =>
            {
                _ = ended.Exception;
                ((ConcurrentDictionary<Task, byte>)state!).TryRemove(ended, out _);
            },
            _unsettled,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Waits, at most <paramref name="limit"/>, for every commit given up on to end; until then the store counts as
    /// unavailable (a <see cref="TimeoutException"/>, retried and counted by the breaker).
    /// </summary>
    private async Task SettledAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        if (_unsettled.IsEmpty)
        {
            return;
        }

        var pending = Task.WhenAll(_unsettled.Keys);
        try
        {
            await (limit == Timeout.InfiniteTimeSpan ? pending.WaitAsync(cancellationToken) : pending.WaitAsync(limit, cancellationToken));
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException("A commit whose outcome is unknown has not ended yet.", exception);
        }
        catch (Exception) when (pending.IsCompleted)
        {
            // They ended, some with a failure: settled either way.
        }
    }

    /// <summary>A failure worth a retry (reads) and counted by the breaker: the server out of reach or the connection lost, never a refused statement.</summary>
    private static bool IsTransient(Exception exception) => exception is NpgsqlException { IsTransient: true } or TimeoutException;

    /// <summary>Whether a failed call means PostgreSQL is unavailable now (answer 503), rather than a bug or a refused statement.</summary>
    private static bool IsUnavailable(Exception exception) =>
        IsTransient(exception) || exception is TimeoutRejectedException or BrokenCircuitException or StoreUnavailableException;
}
