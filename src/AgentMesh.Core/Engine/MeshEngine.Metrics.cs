using System.Diagnostics.Metrics;
using AgentMesh.Agents;
using AgentMesh.Tasks;
using AgentMesh.Telemetry;

namespace AgentMesh.Engine;

public sealed partial class MeshEngine
{
    private static readonly MeshTaskStatus[] UnfinishedStatuses =
        [MeshTaskStatus.Pending, MeshTaskStatus.AwaitingApproval, MeshTaskStatus.Queued, MeshTaskStatus.Running];

    /// <summary>
    /// Counted on collection (a scrape), not kept up to date on every change: one pass over the live
    /// tasks every scrape interval costs less than bookkeeping on each submit, lease and result.
    /// </summary>
    private List<Measurement<long>> ObserveTasks()
    {
        var counts = new Dictionary<string, long[]>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var tenant in _tenants.Keys)
            {
                counts[tenant] = new long[UnfinishedStatuses.Length];
            }

            foreach (var task in _tasks.Values)
            {
                var index = Array.IndexOf(UnfinishedStatuses, task.Snapshot.Status);
                if (index >= 0 && counts.TryGetValue(task.Tenant.Id, out var perStatus))
                {
                    perStatus[index]++;
                }
            }
        }

        var measurements = new List<Measurement<long>>(counts.Count * UnfinishedStatuses.Length);
        foreach (var (tenant, perStatus) in counts)
        {
            for (var i = 0; i < UnfinishedStatuses.Length; i++)
            {
                measurements.Add(MeshMetrics.Count(perStatus[i], tenant, UnfinishedStatuses[i].ToWire()));
            }
        }

        return measurements;
    }

    private List<Measurement<long>> ObserveAgents()
    {
        var statuses = Enum.GetValues<AgentStatus>();
        var measurements = new List<Measurement<long>>();
        var perStatus = new long[statuses.Length];
        lock (_gate)
        {
            foreach (var tenant in _tenants.Values)
            {
                if (tenant.Agents.Count == 0)
                {
                    continue;
                }

                Array.Clear(perStatus);
                foreach (var agent in tenant.Agents.Values)
                {
                    perStatus[(int)agent.Status]++;
                }

                for (var i = 0; i < statuses.Length; i++)
                {
                    measurements.Add(MeshMetrics.Count(perStatus[i], tenant.Id, MeshMetrics.ToLabel(statuses[i])));
                }
            }
        }

        return measurements;
    }

    private List<Measurement<long>> ObserveSlots()
    {
        var measurements = new List<Measurement<long>>();
        lock (_gate)
        {
            foreach (var tenant in _tenants.Values)
            {
                if (tenant.Agents.Count == 0)
                {
                    continue;
                }

                long busy = 0, free = 0;
                foreach (var agent in tenant.Agents.Values)
                {
                    busy += agent.InFlight;
                    if (agent.Connected)
                    {
                        free += agent.FreeSlots;
                    }
                }

                measurements.Add(MeshMetrics.Slots(busy, tenant.Id, "busy"));
                measurements.Add(MeshMetrics.Slots(free, tenant.Id, "free"));
            }
        }

        return measurements;
    }
}
