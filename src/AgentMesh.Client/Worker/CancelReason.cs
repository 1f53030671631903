namespace AgentMesh.Client.Worker;

internal enum CancelReason
{
    None,
    Requested,
    LeaseLost,
    Shutdown,
}
