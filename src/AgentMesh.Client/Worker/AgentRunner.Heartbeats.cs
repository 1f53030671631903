namespace AgentMesh.Client.Worker;

public sealed partial class AgentRunner
{
    /// <summary>How often the loop checks whether a lease needs renewing before the regular interval is up.</summary>
    private static readonly TimeSpan RenewCheck = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Heartbeats every <see cref="AgentRunnerOptions.HeartbeatInterval"/>, and sooner whenever a held lease is two
    /// thirds spent: a task whose timeout is shorter than the interval keeps its lease as long as the agent lives.
    /// </summary>
    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RenewCheck < _options.HeartbeatInterval ? RenewCheck : _options.HeartbeatInterval, _time);
        var last = _time.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = _time.GetUtcNow();
                if (now - last >= _options.HeartbeatInterval || LeaseNeedsRenewal(now))
                {
                    last = now;
                    await HeartbeatAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped after the drain.
        }
    }

    private bool LeaseNeedsRenewal(DateTimeOffset now)
    {
        foreach (var held in _held.Values)
        {
            if (!held.IsLeaseLost && held.RenewAt <= now)
            {
                return true;
            }
        }

        return false;
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
            WorkerLog.HeartbeatFailed(_logger, _agentId, exception.Message, WorkerLog.Attached(_logger, exception, cancellationToken));
            return;
        }

        var renewedAt = _time.GetUtcNow();
        foreach (var renewal in response.Leases)
        {
            if (_held.TryGetValue(renewal.TaskId, out var held))
            {
                held.LeaseGranted(renewal.LeaseExpiresAt, renewedAt);
            }
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
