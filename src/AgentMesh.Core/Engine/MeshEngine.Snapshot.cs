using AgentMesh.Agents;

namespace AgentMesh.Engine;

public sealed partial class MeshEngine
{
    /// <summary>Counts the live state under the engine's lock: one pass over tasks and agents, meant for an operator's occasional look.</summary>
    public EngineSnapshot Snapshot()
    {
        var agents = new Dictionary<AgentStatus, int>();
        int tenants;
        var unfinished = 0;
        var connected = 0;
        lock (_gate)
        {
            tenants = _tenants.Count;
            foreach (var task in _tasks.Values)
            {
                if (Array.IndexOf(UnfinishedStatuses, task.Snapshot.Status) >= 0)
                {
                    unfinished++;
                }
            }

            foreach (var tenant in _tenants.Values)
            {
                foreach (var agent in tenant.Agents.Values)
                {
                    agents[agent.Status] = agents.GetValueOrDefault(agent.Status) + 1;
                    if (agent.Connected)
                    {
                        connected++;
                    }
                }
            }
        }

        return new EngineSnapshot(IsRunning, tenants, unfinished, connected, agents, _commits.Depth, _commits.Batches);
    }
}
