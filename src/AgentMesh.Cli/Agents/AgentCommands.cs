using System.CommandLine;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Output;
using AgentMesh.Client;
using Spectre.Console;

namespace AgentMesh.Cli.Agents;

/// <summary><c>agentmesh agent list|show|pause|resume|drain|quarantine|release|terminate</c>.</summary>
internal static class AgentCommands
{
    private const int PageSize = 1000;

    public static Command Create()
    {
        var options = new ConnectionOptions();
        var tenant = new Option<string>("--tenant") { Description = "Tenant id.", Required = true, Recursive = true };
        var group = options.AddTo(new Command("agent", "List, inspect and operate agents.")
        {
            List(options, tenant),
            Show(options, tenant),
            Operate(options, tenant, "pause", "Pause an agent: it receives nothing new; in-flight work continues.", static (c, t, id, ct) => c.PauseAgentAsync(t, id, ct)),
            Operate(options, tenant, "resume", "Resume a paused agent.", static (c, t, id, ct) => c.ResumeAgentAsync(t, id, ct)),
            Operate(options, tenant, "drain", "Drain an agent: it finishes its work, then goes offline.", static (c, t, id, ct) => c.DrainAgentAsync(t, id, ct)),
            Operate(options, tenant, "quarantine", "Quarantine an agent: it receives nothing until released.", static (c, t, id, ct) => c.QuarantineAgentAsync(t, id, ct)),
            Operate(options, tenant, "release", "Release a quarantined agent.", static (c, t, id, ct) => c.ReleaseAgentAsync(t, id, ct)),
            Terminate(options, tenant),
        });
        group.Options.Add(tenant);
        Usage.SetGroupAction(group);
        return group;
    }

    private static Command List(ConnectionOptions options, Option<string> tenant)
    {
        var status = new Option<string?>("--status") { Description = "Only agents in this status." };
        status.AcceptOnlyFromAmong(SnakeCase.Names<AgentStatus>());
        var capability = new Option<string?>("--capability") { Description = "Only agents with this capability." };
        var command = new Command("list", "List agents with their status, load and figures.") { status, capability };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var query = new AgentQuery { Status = SnakeCase.Parse<AgentStatus>(run.Get(status)), Capability = run.Get(capability), Limit = PageSize };
            var page = await run.Client.ListAgentsAsync(run.Get(tenant)!, query, cancellationToken);
            var agents = page.Items.ToList();
            var pages = new List<ReadOnlyMemory<byte>> { run.Session.Recorder.LastJson };
            while (page.NextCursor is { } cursor)
            {
                page = await run.Client.ListAgentsAsync(run.Get(tenant)!, query with { Cursor = cursor }, cancellationToken);
                agents.AddRange(page.Items);
                pages.Add(run.Session.Recorder.LastJson);
            }

            if (run.Json)
            {
                await run.Output.WriteJsonAsync(pages.Count == 1 ? pages[0] : JsonPages.Merge(pages));
                return ExitCodes.Ok;
            }

            run.Output.Ansi.Write(AgentTables.List(agents));
            run.Output.Ansi.MarkupLine($"[grey]{agents.Count} agent(s)[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(ConnectionOptions options, Option<string> tenant)
    {
        var id = new Argument<string>("id") { Description = "Agent id." };
        var command = new Command("show", "Show one agent.") { id };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var agent = await run.Client.GetAgentAsync(run.Get(tenant)!, run.Get(id)!, cancellationToken);
            if (run.Json)
            {
                await run.WriteNodeJsonAsync();
                return ExitCodes.Ok;
            }

            run.Output.Ansi.Write(AgentTables.Details(agent));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Operate(
        ConnectionOptions options, Option<string> tenant, string action, string description, Func<AgentMeshClient, string, string, CancellationToken, Task<Agent>> call)
    {
        var id = new Argument<string>("id") { Description = "Agent id." };
        var command = new Command(action, description) { id };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var agent = await call(run.Client, run.Get(tenant)!, run.Get(id)!, cancellationToken);
            await WriteAgentAsync(run, agent);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Terminate(ConnectionOptions options, Option<string> tenant)
    {
        var id = new Argument<string>("id") { Description = "Agent id." };
        var force = new Option<bool>("--force") { Description = "Terminate even with tasks in flight; they are released for retry." };
        var command = new Command("terminate", "Terminate an agent for good; its id cannot be reused.") { id, force };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var agent = await run.Client.TerminateAgentAsync(run.Get(tenant)!, run.Get(id)!, run.Get(force), cancellationToken);
            await WriteAgentAsync(run, agent);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task WriteAgentAsync(NodeInvocation run, Agent agent)
    {
        if (run.Json)
        {
            await run.WriteNodeJsonAsync();
        }
        else
        {
            run.Output.Ansi.MarkupLine($"Agent [bold]{Markup.Escape(agent.Id)}[/] is now {AgentTables.Status(agent.Status)} ({agent.InFlight} in flight).");
        }
    }
}
