using System.Diagnostics;
using System.Threading.Channels;

namespace AgentMesh.Client.Worker;

public sealed partial class AgentRunner
{
    private static readonly TaskError Cancelled = new("cancelled", "The task was cancelled.");

    private async Task ExecuteLoopAsync()
    {
        while (await _work.Reader.WaitToReadAsync())
        {
            while (_work.Reader.TryRead(out var held))
            {
                await ExecuteAsync(held);
            }
        }
    }

    private async ValueTask ExecuteAsync(HeldTask held)
    {
        TaskResult? result;
        try
        {
            result = held.Reason != CancelReason.None ? CancelledResult(held)
                : State == AgentRunState.Draining ? TaskResult.Declined(held.Assignment.TaskId, held.Assignment.LeaseToken, "agent draining")
                : !IsAvailable(out var unavailable) ? Unavailable(held, unavailable)
                : await RunHandlerAsync(held);
        }
        finally
        {
            Interlocked.Decrement(ref _reserved);
            _wake.Writer.TryWrite(true);
        }

        if (result is null)
        {
            Release(held);
            return;
        }

        try
        {
            await _results.Writer.WriteAsync(new PendingResult(result, held));
        }
        catch (ChannelClosedException)
        {
            // Shutdown gave up on this handler; the lease will expire and the task be retried.
            WorkerLog.ResultsLost(_logger, _agentId, 1);
            Release(held);
        }
    }

    private async ValueTask<TaskResult?> RunHandlerAsync(HeldTask held)
    {
        var assignment = held.Assignment;
        using var activity = StartActivity(assignment);
        var context = new AgentTaskContext(held, _tenant, _agentId, _client, _handlerLogger);
        try
        {
            var output = await _handler.HandleAsync(context);
            if (held.IsLeaseLost)
            {
                _breaker.Untake();
                return null;
            }

            _successRate.Record(true);
            _breaker.Record(success: true);
            return Traced(TaskResult.Succeeded(assignment.TaskId, assignment.LeaseToken, output) with { Usage = context.Usage }, activity);
        }
        catch (OperationCanceledException) when (held.Token.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            _breaker.Untake();
            return CancelledResult(held);
        }
        catch (AgentTaskException exception)
        {
            return Failure(held, activity, exception.Code, exception.Message, exception.Retryable, exception) is { } failed ? failed with { Usage = context.Usage } : null;
        }
#pragma warning disable CA1031 // A handler's exception is the task's failure, never the runner's.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return Failure(held, activity, "handler_exception", $"{exception.GetType().Name}: {exception.Message}", retryable: true, exception) is { } failed
                ? failed with { Usage = context.Usage }
                : null;
        }
    }

    private TaskResult? Failure(HeldTask held, Activity? activity, string code, string message, bool retryable, Exception exception)
    {
        activity?.SetStatus(ActivityStatusCode.Error, code);
        WorkerLog.HandlerFailed(_logger, _agentId, held.Assignment.TaskId, code, retryable, exception);
        if (held.IsLeaseLost)
        {
            _breaker.Untake();
            return null;
        }

        _successRate.Record(false);

        // Only an exception the handler did not mean counts against it: an AgentTaskException is the handler
        // working and reporting what went wrong with this task.
        if (exception is AgentTaskException)
        {
            _breaker.Untake();
        }
        else if (_breaker.Record(success: false))
        {
            WorkerLog.BreakerOpened(_logger, _agentId, _options.Breaker.FailureThreshold, _options.Breaker.BreakDuration);
        }

        return Traced(TaskResult.Failed(held.Assignment.TaskId, held.Assignment.LeaseToken, new TaskError(code, message), retryable), activity);
    }

    /// <summary>A task that waited in the local queue while the handler became unavailable goes back undone.</summary>
    private TaskResult Unavailable(HeldTask held, string reason)
    {
        _breaker.Untake();
        WorkerLog.Declined(_logger, _agentId, held.Assignment.TaskId, reason);
        return TaskResult.Declined(held.Assignment.TaskId, held.Assignment.LeaseToken, reason);
    }

    /// <summary>What to report for a task whose token fired: nothing for a lost lease, a decline at shutdown, else a non-retryable failure.</summary>
    private static TaskResult? CancelledResult(HeldTask held) => held.IsLeaseLost ? null : held.Reason switch
    {
        CancelReason.Shutdown => TaskResult.Declined(held.Assignment.TaskId, held.Assignment.LeaseToken, "agent shutting down"),
        _ => TaskResult.Failed(held.Assignment.TaskId, held.Assignment.LeaseToken, Cancelled, retryable: false),
    };

    private static TaskResult Traced(TaskResult result, Activity? activity) =>
        activity is { Recorded: true } ? result with { Traceparent = activity.Id } : result;

    private Activity? StartActivity(Assignment assignment)
    {
        if (!AgentMeshTelemetry.Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(assignment.Traceparent, null, isRemote: true, out var parent);
        var activity = AgentMeshTelemetry.Source.StartActivity($"process {assignment.Type}", ActivityKind.Consumer, parent);
        activity?
            .SetTag("messaging.system", "agentmesh")
            .SetTag("messaging.operation.type", "process")
            .SetTag("messaging.destination.name", assignment.Type)
            .SetTag("messaging.message.id", assignment.TaskId)
            .SetTag("agentmesh.task.attempt", assignment.Attempt)
            .SetTag("agentmesh.agent.id", _agentId)
            .SetTag("agentmesh.tenant", _tenant);
        return activity;
    }
}
