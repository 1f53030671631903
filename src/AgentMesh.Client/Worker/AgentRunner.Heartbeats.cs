namespace AgentMesh.Client.Worker;

public sealed partial class AgentRunner
{
    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await HeartbeatAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped after the drain.
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var leases = new List<HeldLease>(_held.Count);
        foreach (var held in _held.Values)
        {
            if (!held.IsLeaseLost)
            {
                leases.Add(new HeldLease(held.Assignment.TaskId, held.Assignment.LeaseToken));
            }
        }

        HeartbeatResponse response;
        try
        {
            var load = Math.Clamp((double)Volatile.Read(ref _reserved) / _slots, 0, 1);
            response = await _client.HeartbeatAsync(_tenant, _agentId, leases, load, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The next tick tries again; a poll also keeps the agent connected.
            WorkerLog.HeartbeatFailed(_logger, _agentId, exception);
            return;
        }

        foreach (var taskId in response.Lost)
        {
            CancelHeld(taskId, CancelReason.LeaseLost);
        }

        foreach (var taskId in response.Cancellations)
        {
            CancelHeld(taskId, CancelReason.Requested);
        }
    }
}
