using System.CommandLine;
using AgentMesh.Cli.Connection;

namespace AgentMesh.Cli.Tasks;

/// <summary><c>agentmesh task watch</c>: live progress until the task ends; exit code 0 only if it succeeded.</summary>
internal static class TaskWatchCommand
{
    public static Command Create(ConnectionOptions options, Option<string> tenant)
    {
        var id = new Argument<string>("id") { Description = "Task id." };
        var command = new Command("watch", "Follow a task's events until it ends; exit code 0 only if it succeeded.") { id };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            // Read first: an unknown task or an unreachable node fails here, before the stream would retry.
            var task = await run.Client.GetTaskAsync(run.Get(tenant)!, run.Get(id)!, cancellationToken);
            return await TaskWatch.FollowAsync(run, run.Get(tenant)!, task, cancellationToken);
        });
        return command;
    }
}
