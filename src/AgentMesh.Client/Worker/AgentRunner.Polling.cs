using System.Diagnostics.CodeAnalysis;
using System.Net;
using AgentMesh.Client.Autonomy;

namespace AgentMesh.Client.Worker;

public sealed partial class AgentRunner
{
    private async Task PollLoopAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var free = _capacity - Volatile.Read(ref _reserved);
                if (State != AgentRunState.Active || free <= 0)
                {
                    await _wake.Reader.ReadAsync(cancellationToken);
                    continue;
                }

                PollResponse response;
                try
                {
                    response = await _client.PollAsync(_tenant, _agentId, Math.Min(free, MaxBatch), _options.PollWaitSeconds, cancellationToken);
                    failures = 0;
                }
                catch (AgentMeshApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound && exception.Code == "agent_not_found")
                {
                    WorkerLog.Reregistering(_logger, _agentId);
                    await RegisterAsync(cancellationToken);
                    continue;
                }
                catch (AgentMeshApiException exception) when (IsFatal(exception, cancellationToken))
                {
                    WorkerLog.PollRefused(_logger, _agentId, exception);
                    throw;
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failures++;
                    var delay = Backoff.Delay(failures, exception);
                    WorkerLog.PollRetrying(_logger, _agentId, exception.Message, delay, failures, WorkerLog.Attached(_logger, exception, cancellationToken));
                    await Task.Delay(delay, _time, cancellationToken);
                    continue;
                }

                foreach (var taskId in response.Cancellations)
                {
                    CancelHeld(taskId, CancelReason.Requested);
                }

                foreach (var assignment in response.Assignments)
                {
                    await TakeAsync(assignment, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown: stop polling and drain.
        }
    }

    /// <summary>
    /// Whether the handler says it can take work (<see cref="IAgentAvailability"/>); logs each change between the two.
    /// </summary>
    private bool IsAvailable([NotNullWhen(false)] out string? reason)
    {
        reason = (_handler as IAgentAvailability)?.UnavailableReason;
        var unavailable = reason is not null;
        if (unavailable != (Interlocked.Exchange(ref _unavailable, unavailable ? 1 : 0) == 1))
        {
            if (unavailable)
            {
                WorkerLog.Unavailable(_logger, _agentId, reason!);
            }
            else
            {
                WorkerLog.AvailableAgain(_logger, _agentId);
            }
        }

        return !unavailable;
    }

    /// <summary>A refusal that retrying cannot fix: bad credentials, no permission, a terminated agent, an invalid request.</summary>
    private static bool IsFatal(AgentMeshApiException exception, CancellationToken cancellationToken) =>
        !TransientFailure.Is(exception, cancellationToken) && exception.Code != "conflict";

    private async ValueTask TakeAsync(Assignment assignment, CancellationToken cancellationToken)
    {
        var snapshot = new AgentSnapshot(_capabilities, Volatile.Read(ref _reserved), _slots, State, _successRate.Rate);
        var decision = _autonomy.Decide(assignment, snapshot, _time.GetUtcNow());
        var reason = decision.Reason;
        if (decision.Accept && !IsAvailable(out var unavailable))
        {
            decision = decision with { Accept = false };
            reason = unavailable;
        }
        else if (decision.Accept && !_breaker.TryTake(out var open))
        {
            decision = decision with { Accept = false };
            reason = open!;
        }

        if (decision.Accept)
        {
            var held = new HeldTask(assignment);
            held.LeaseGranted(assignment.LeaseExpiresAt, _time.GetUtcNow());
            var previous = _held.GetValueOrDefault(assignment.TaskId);
            _held[assignment.TaskId] = held;

            // The node moved the task on to a new attempt here; the old lease is stale.
            previous?.Cancel(CancelReason.LeaseLost);
            Interlocked.Increment(ref _reserved);
            if (_work.Writer.TryWrite(held))
            {
                return;
            }

            Interlocked.Decrement(ref _reserved);
            Release(held);
            _breaker.Untake();
            reason = "local queue full";
        }

        WorkerLog.Declined(_logger, _agentId, assignment.TaskId, reason);
        await _results.Writer.WriteAsync(new PendingResult(TaskResult.Declined(assignment.TaskId, assignment.LeaseToken, reason), null), cancellationToken);
    }

    private void CancelHeld(string taskId, CancelReason reason)
    {
        if (!_held.TryGetValue(taskId, out var held))
        {
            return;
        }

        if (reason == CancelReason.LeaseLost)
        {
            WorkerLog.LeaseLost(_logger, _agentId, taskId);
        }
        else
        {
            WorkerLog.CancellationRequested(_logger, _agentId, taskId);
        }

        held.Cancel(reason);
    }
}
