using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Output;

namespace AgentMesh.Cli.Tasks;

/// <summary><c>agentmesh task show</c>: the task, its attempts and its event history.</summary>
internal static class TaskShowCommand
{
    public static Command Create(ConnectionOptions options, Option<string> tenant)
    {
        var id = new Argument<string>("id") { Description = "Task id." };
        var command = new Command("show", "Show a task with its attempts and its event history.") { id };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var task = await run.Client.GetTaskAsync(run.Get(tenant)!, run.Get(id)!, cancellationToken);
            var taskJson = run.Session.Recorder.LastJson;
            var events = await run.Client.GetTaskEventsAsync(run.Get(tenant)!, run.Get(id)!, cancellationToken);
            if (run.Json)
            {
                // The task as the node sent it, with its history added as "events".
                var document = JsonNode.Parse(taskJson.Span)!.AsObject();
                document["events"] = JsonNode.Parse(run.Session.Recorder.LastJson.Span)?["items"]?.DeepClone();
                await run.Output.WriteJsonAsync(Encoding.UTF8.GetBytes(document.ToJsonString()));
                return ExitCodes.Ok;
            }

            run.Output.Ansi.Write(TaskTables.Details(task, events));
            return ExitCodes.Ok;
        });
        return command;
    }
}
