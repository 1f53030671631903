using AgentMesh.Client;

namespace AgentMesh.Cli.Events;

/// <summary>
/// A recent event sequence number of a tenant, to follow its stream from about now: the node replays the whole history
/// when asked without <c>since</c>. Taken from the newest task's history, so at most a few events are replayed.
/// </summary>
internal static class EventWatermark
{
    public static async Task<long> ReadAsync(AgentMeshClient client, string tenant, CancellationToken cancellationToken)
    {
        var newest = await client.ListTasksAsync(tenant, new TaskQuery { Limit = 1 }, cancellationToken);
        if (newest.Items.Count == 0)
        {
            return 0;
        }

        var history = await client.GetTaskEventsAsync(tenant, newest.Items[0].Id, cancellationToken);
        return history.Count == 0 ? 0 : history.Max(e => e.Sequence);
    }
}
