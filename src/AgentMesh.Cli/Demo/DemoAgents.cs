using AgentMesh.Client;
using AgentMesh.Client.Worker;

namespace AgentMesh.Cli.Demo;

/// <summary>The demo's agents: different capabilities, levels and slots, so routing has choices to make.</summary>
internal static class DemoAgents
{
    public const string Summarize = "summarize";
    public const string Translate = "translate";
    public const string Echo = "echo";

    public static IReadOnlyList<AgentDefinition> Create() =>
    [
        Define("summarizer-pro", "summarizer", "Summarizes anything, fast.", 4, (Summarize, 5)),
        Define("summarizer", "summarizer", "Summarizes plain text.", 2, (Summarize, 3)),
        Define("translator", "translator", "Translates to French and German with a tiny dictionary.", 3, (Translate, 4)),
        Define("generalist", "generalist", "A bit of everything.", 2, (Echo, 2), (Summarize, 2), (Translate, 2)),
    ];

    public static string Describe(AgentDefinition agent) =>
        $"{agent.Id} ({string.Join(", ", agent.Capabilities.Select(c => $"{c.Name}:{c.Level}"))} ×{agent.MaxConcurrency})";

    private static AgentDefinition Define(string id, string type, string description, int slots, params (string Name, double Level)[] capabilities)
    {
        var agent = new AgentDefinition { Id = id, Type = type, Description = description, MaxConcurrency = slots };
        foreach (var (name, level) in capabilities)
        {
            agent.Capabilities.Add(new Capability(name, level));
        }

        agent.Tags.Add("demo");
        return agent;
    }
}
