using System.CommandLine;
using AgentMesh.Cli.Serve;

var root = new RootCommand("AgentMesh: an event-driven runtime for multi-agent systems.")
{
    ServeCommand.Create(),
    AgentMesh.Cli.Tenants.TenantCommands.Create(),
    AgentMesh.Cli.Keys.KeyCommands.Create(),
    AgentMesh.Cli.Agents.AgentCommands.Create(),
    AgentMesh.Cli.Tasks.TaskCommands.Create(),
    AgentMesh.Cli.Events.EventCommands.Create(),
    AgentMesh.Cli.Status.StatusCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
