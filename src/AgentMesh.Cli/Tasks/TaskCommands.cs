using System.CommandLine;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Output;

namespace AgentMesh.Cli.Tasks;

/// <summary><c>agentmesh task submit|show|list|watch|cancel|retry</c>.</summary>
internal static class TaskCommands
{
    public static Command Create()
    {
        var options = new ConnectionOptions();
        var tenant = new Option<string>("--tenant") { Description = "Tenant id.", Required = true, Recursive = true };
        var group = options.AddTo(new Command("task", "Submit, inspect, watch, cancel and retry tasks.")
        {
            TaskSubmitCommand.Create(options, tenant),
            TaskShowCommand.Create(options, tenant),
            TaskListCommand.Create(options, tenant),
            TaskWatchCommand.Create(options, tenant),
            TaskActionCommands.Cancel(options, tenant),
            TaskActionCommands.Retry(options, tenant),
        });
        group.Options.Add(tenant);
        Usage.SetGroupAction(group);
        return group;
    }
}
