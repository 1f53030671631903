using System.CommandLine;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Output;
using AgentMesh.Client;
using Spectre.Console;

namespace AgentMesh.Cli.Tasks;

/// <summary><c>agentmesh task cancel</c> and <c>task retry</c>.</summary>
internal static class TaskActionCommands
{
    public static Command Cancel(ConnectionOptions options, Option<string> tenant) =>
        Action(options, tenant, "cancel", "Cancel a task: a queued one at once; a running one is flagged and its agent told.",
            static (client, t, id, ct) => client.CancelTaskAsync(t, id, ct));

    public static Command Retry(ConnectionOptions options, Option<string> tenant) =>
        Action(options, tenant, "retry", "Re-queue a dead-lettered or failed task with a fresh attempt budget.",
            static (client, t, id, ct) => client.RetryTaskAsync(t, id, ct));

    private static Command Action(
        ConnectionOptions options, Option<string> tenant, string name, string description, Func<AgentMeshClient, string, string, CancellationToken, Task<MeshTask>> call)
    {
        var id = new Argument<string>("id") { Description = "Task id." };
        var command = new Command(name, description) { id };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var task = await call(run.Client, run.Get(tenant)!, run.Get(id)!, cancellationToken);
            if (run.Json)
            {
                await run.WriteNodeJsonAsync();
            }
            else
            {
                var note = task.CancelRequested && task.Status == MeshTaskStatus.Running ? " (cancellation requested; its agent was told)" : "";
                run.Output.Ansi.MarkupLine($"Task [bold]{Markup.Escape(task.Id)}[/] is now {TaskTables.Status(task.Status)}{note}.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
