namespace AgentMesh.Client.Worker;

/// <summary>An accepted assignment, from acceptance until its result is acknowledged: its lease and its cancellation.</summary>
internal sealed class HeldTask(Assignment assignment) : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Lock _lock = new();
    private CancelReason _reason;
    private volatile bool _leaseLost;
    private bool _disposed;

    public Assignment Assignment { get; } = assignment;

    /// <summary>
    /// When the lease wants renewing: two thirds into what was left of it when it was last granted or extended,
    /// so a heartbeat always lands before the node gives the task to another agent, however short its timeout.
    /// </summary>
    public DateTimeOffset RenewAt { get; private set; }

    /// <summary>Records the lease's expiry as of <paramref name="now"/> and derives <see cref="RenewAt"/>.</summary>
    public void LeaseGranted(DateTimeOffset expiresAt, DateTimeOffset now) =>
        RenewAt = now + ((expiresAt - now) * 2 / 3);

    public CancellationToken Token => _cancellation.Token;

    /// <summary>The first reason the task was cancelled for.</summary>
    public CancelReason Reason
    {
        get
        {
            lock (_lock)
            {
                return _reason;
            }
        }
    }

    /// <summary>The lease is no longer current: no result is sent and heartbeats leave it out.</summary>
    public bool IsLeaseLost => _leaseLost;

    /// <summary>Fires the handler's token; the first reason wins. A lost lease is remembered whatever the reason.</summary>
    public bool Cancel(CancelReason reason)
    {
        lock (_lock)
        {
            if (reason == CancelReason.LeaseLost)
            {
                _leaseLost = true;
            }

            if (_disposed || _reason != CancelReason.None)
            {
                return false;
            }

            _reason = reason;
        }

        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Finished in between; nothing left to cancel.
        }

        return true;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        _cancellation.Dispose();
    }
}
