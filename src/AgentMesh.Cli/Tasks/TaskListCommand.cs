using System.CommandLine;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Output;
using AgentMesh.Client;
using Spectre.Console;

namespace AgentMesh.Cli.Tasks;

/// <summary><c>agentmesh task list</c>: newest first, one page unless <c>--all</c>.</summary>
internal static class TaskListCommand
{
    private const int AllPageSize = 1000;

    public static Command Create(ConnectionOptions options, Option<string> tenant)
    {
        var status = new Option<string?>("--status") { Description = "Only tasks in this status." };
        status.AcceptOnlyFromAmong(SnakeCase.Names<MeshTaskStatus>());
        var type = new Option<string?>("--type") { Description = "Only tasks of this type." };
        var agent = new Option<string?>("--agent") { Description = "Only tasks attempted by this agent." };
        var limit = new Option<int>("--limit") { Description = "How many tasks to show, 1–1000.", DefaultValueFactory = static _ => 20 };
        limit.Validators.Add(static r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                r.AddError("--limit must be between 1 and 1000.");
            }
        });
        var all = new Option<bool>("--all") { Description = "Every matching task, page after page (ignores --limit)." };
        var command = new Command("list", "List tasks, newest first.") { status, type, agent, limit, all };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var query = new TaskQuery
            {
                Status = SnakeCase.Parse<MeshTaskStatus>(run.Get(status)),
                Type = run.Get(type),
                Agent = run.Get(agent),
                Limit = run.Get(all) ? AllPageSize : run.Get(limit),
            };
            var page = await run.Client.ListTasksAsync(run.Get(tenant)!, query, cancellationToken);
            var tasks = page.Items.ToList();
            var pages = new List<ReadOnlyMemory<byte>> { run.Session.Recorder.LastJson };
            while (run.Get(all) && page.NextCursor is { } cursor)
            {
                page = await run.Client.ListTasksAsync(run.Get(tenant)!, query with { Cursor = cursor }, cancellationToken);
                tasks.AddRange(page.Items);
                pages.Add(run.Session.Recorder.LastJson);
            }

            if (run.Json)
            {
                await run.Output.WriteJsonAsync(pages.Count == 1 ? pages[0] : JsonPages.Merge(pages));
                return ExitCodes.Ok;
            }

            run.Output.Ansi.Write(TaskTables.List(tasks));
            var more = page.NextCursor is null ? "" : " (more: raise --limit or pass --all)";
            run.Output.Ansi.MarkupLine($"[grey]{tasks.Count} task(s){Markup.Escape(more)}[/]");
            return ExitCodes.Ok;
        });
        return command;
    }
}
