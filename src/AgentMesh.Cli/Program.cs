using System.CommandLine;
using AgentMesh.Cli.Bench;
using AgentMesh.Cli.Serve;

var root = new RootCommand("AgentMesh: an event-driven runtime for multi-agent systems.")
{
    ServeCommand.Create(),
    BenchCommand.Create(),
    BenchAgentsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
