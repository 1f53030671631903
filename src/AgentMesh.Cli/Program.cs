using System.CommandLine;
using AgentMesh.Cli.Serve;

var root = new RootCommand("AgentMesh: an event-driven runtime for multi-agent systems.")
{
    ServeCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
