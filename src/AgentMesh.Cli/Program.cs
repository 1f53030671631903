using System.CommandLine;
using AgentMesh.Cli.Agents;
using AgentMesh.Cli.Bench;
using AgentMesh.Cli.Events;
using AgentMesh.Cli.Keys;
using AgentMesh.Cli.Serve;
using AgentMesh.Cli.Status;
using AgentMesh.Cli.Tasks;
using AgentMesh.Cli.Tenants;

var root = new RootCommand("AgentMesh: an event-driven runtime for multi-agent systems.")
{
    ServeCommand.Create(),
    TenantCommands.Create(),
    KeyCommands.Create(),
    AgentCommands.Create(),
    TaskCommands.Create(),
    EventCommands.Create(),
    StatusCommand.Create(),
    BenchCommand.Create(),
    BenchAgentsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
