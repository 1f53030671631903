using AgentMesh.Cli.Output;
using AgentMesh.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AgentMesh.Cli.Agents;

/// <summary>How agents look to people.</summary>
internal static class AgentTables
{
    public static Table List(IEnumerable<Agent> agents)
    {
        var table = new Table().AddColumns("ID", "TYPE", "STATUS", "CAPABILITIES", "LOAD", "DONE", "FAILED", "SUCCESS", "LATENCY", "LAST SEEN");
        foreach (var agent in agents)
        {
            table.AddRow(
                new Text(agent.Id),
                new Text(agent.Type ?? "-"),
                new Markup(Status(agent.Status) + (agent.Connected ? "" : " [grey](disconnected)[/]")),
                new Text(Capabilities(agent)),
                new Text($"{agent.InFlight}/{agent.MaxConcurrency}"),
                new Text(Format.Number(agent.Stats?.Completed)),
                new Text(Format.Number(agent.Stats?.Failed)),
                new Text(agent.Stats is { } stats ? Format.Percent(stats.SuccessRate) : "-"),
                new Text(agent.Stats is { } latency ? Format.Duration(TimeSpan.FromMilliseconds(latency.LatencyMs)) : "-"),
                new Text(Format.Time(agent.LastHeartbeat)));
        }

        return table;
    }

    public static IRenderable Details(Agent agent)
    {
        var grid = Format.Grid();
        Format.Row(grid, "id", agent.Id);
        Format.Row(grid, "tenant", agent.Tenant);
        Format.Row(grid, "name", agent.Name);
        Format.Row(grid, "type", agent.Type);
        Format.Row(grid, "description", agent.Description);
        grid.AddRow(new Markup("[grey]status[/]"), new Markup(Status(agent.Status) + (agent.Connected ? " (connected)" : " (disconnected)")));
        Format.Row(grid, "capabilities", Capabilities(agent));
        Format.Row(grid, "load", $"{agent.InFlight} of {agent.MaxConcurrency} slots");
        Format.Row(grid, "tags", agent.Tags.Count == 0 ? null : string.Join(", ", agent.Tags));
        Format.Row(grid, "metadata", agent.Metadata.Count == 0 ? null : string.Join(", ", agent.Metadata.Select(m => $"{m.Key}={m.Value}")));
        Format.Row(grid, "supervisor", agent.Supervisor);
        if (agent.Stats is { } stats)
        {
            Format.Row(grid, "assigned", Format.Number(stats.Assigned));
            Format.Row(grid, "completed", Format.Number(stats.Completed));
            Format.Row(grid, "failed", Format.Number(stats.Failed));
            Format.Row(grid, "success rate", Format.Percent(stats.SuccessRate));
            Format.Row(grid, "latency", Format.Duration(TimeSpan.FromMilliseconds(stats.LatencyMs)));
        }

        Format.Row(grid, "last heartbeat", Format.Time(agent.LastHeartbeat));
        Format.Row(grid, "created", Format.Time(agent.CreatedAt));
        Format.Row(grid, "updated", $"{Format.Time(agent.UpdatedAt)} (version {agent.Version})");
        return grid;
    }

    public static string Status(AgentStatus status)
    {
        var name = SnakeCase.Name(status);
        return status switch
        {
            AgentStatus.Available => $"[green]{name}[/]",
            AgentStatus.Busy => $"[yellow]{name}[/]",
            AgentStatus.Unhealthy or AgentStatus.Quarantined or AgentStatus.Terminated => $"[red]{name}[/]",
            _ => $"[grey]{name}[/]",
        };
    }

    private static string Capabilities(Agent agent) =>
        string.Join(", ", agent.Capabilities.Select(c => $"{c.Name}:{Format.Level(c.Level)}"));
}
