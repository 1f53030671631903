using AgentMesh.Client;

namespace AgentMesh.Cli.Status;

/// <summary>One tenant at a glance: agents by status and tasks by status, each count capped at <see cref="StatusCommand.CountLimit"/>.</summary>
internal sealed record TenantSnapshot(
    string Tenant,
    IReadOnlyDictionary<AgentStatus, int> Agents,
    int InFlight,
    int Slots,
    bool MoreAgents,
    IReadOnlyDictionary<MeshTaskStatus, (int Count, bool More)> Tasks)
{
    public static async Task<TenantSnapshot> ReadAsync(AgentMeshClient client, string tenant, int limit, CancellationToken cancellationToken)
    {
        var agents = client.ListAgentsAsync(tenant, new AgentQuery { Limit = 1000 }, cancellationToken);
        var statuses = Enum.GetValues<MeshTaskStatus>();
        var tasks = statuses.Select(s => client.ListTasksAsync(tenant, new TaskQuery { Status = s, Limit = limit }, cancellationToken)).ToArray();
        var agentPage = await agents;
        var taskPages = await Task.WhenAll(tasks);
        var live = agentPage.Items.Where(a => a.Status != AgentStatus.Terminated).ToList();
        return new TenantSnapshot(
            tenant,
            agentPage.Items.GroupBy(a => a.Status).ToDictionary(g => g.Key, g => g.Count()),
            live.Sum(a => a.InFlight),
            live.Where(a => a.Connected).Sum(a => a.MaxConcurrency),
            agentPage.NextCursor is not null,
            statuses.Zip(taskPages).ToDictionary(p => p.First, p => (p.Second.Items.Count, p.Second.NextCursor is not null)));
    }
}
