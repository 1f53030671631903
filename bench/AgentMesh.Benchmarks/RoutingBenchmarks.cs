using AgentMesh.Agents;
using AgentMesh.Engine;
using AgentMesh.Routing;
using AgentMesh.Tasks;
using AgentMesh.Tenants;
using BenchmarkDotNet.Attributes;

namespace AgentMesh.Benchmarks;

/// <summary>One routing decision among 10,000 connected agents that all hold the required capability (SPEC §14: ≤ 5 µs).</summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private TenantState _tenant = null!;
    private LiveTask _single = null!;
    private LiveTask _twoRequirements = null!;
    private LiveTask _anyAgent = null!;

    [Params(10_000)]
    public int Agents { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var now = DateTimeOffset.UnixEpoch;
        _tenant = new TenantState(new Tenant { Id = "bench", Name = "bench", CreatedAt = now }, RoutingWeights.Default);
        var random = new Random(42);
        for (var i = 0; i < Agents; i++)
        {
            var record = new AgentRecord
            {
                Tenant = "bench",
                Id = $"agent-{i:D5}",
                Name = "a",
                Capabilities = [new Capability("summarize", 1 + (random.Next(40) / 10.0)), new Capability("translate", 1 + (random.Next(40) / 10.0))],
                MaxConcurrency = 8,
                CreatedAt = now,
                UpdatedAt = now,
            };
            var agent = new LiveAgent(record, _tenant) { Connected = true };
            for (var j = 0; j < random.Next(8); j++)
            {
                agent.Leases.Add(Guid.NewGuid());
            }

            _tenant.Agents[record.Id] = agent;
            _tenant.Index.Refresh(agent);
        }

        _single = Task([new Requirement("summarize", 3)]);
        _twoRequirements = Task([new Requirement("summarize", 2), new Requirement("translate", 2)]);
        _anyAgent = Task([]);
    }

    private LiveTask Task(IReadOnlyList<Requirement> requirements) => new(
        new MeshTask { Id = Guid.NewGuid(), Tenant = "bench", Type = "t", Status = MeshTaskStatus.Queued, Input = "{}", Requirements = requirements, CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch },
        _tenant);

    [Benchmark(Baseline = true, Description = "choose: one requirement")]
    public string? ChooseOneRequirement() => _tenant.Index.Choose(_single)?.Id;

    [Benchmark(Description = "choose: no requirement")]
    public string? ChooseAny() => _tenant.Index.Choose(_anyAgent)?.Id;

    /// <summary>The whole decision as dispatch makes it: choose, take a slot, re-score the agent, then give the slot back.</summary>
    [Benchmark(Description = "choose + assign + release")]
    public string ChooseAndAssign()
    {
        var agent = _tenant.Index.Choose(_single)!;
        var lease = Guid.NewGuid();
        agent.Leases.Add(lease);
        agent.LastAssignedTick++;
        _tenant.Index.Refresh(agent);
        agent.Leases.Remove(lease);
        _tenant.Index.Refresh(agent);
        return agent.Id;
    }

    [Benchmark(Description = "choose: two requirements (scans the smaller set)")]
    public string? ChooseTwoRequirements() => _tenant.Index.Choose(_twoRequirements)?.Id;
}
