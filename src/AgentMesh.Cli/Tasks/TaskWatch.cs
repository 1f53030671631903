using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Events;
using AgentMesh.Cli.Output;
using AgentMesh.Client;
using Spectre.Console;

namespace AgentMesh.Cli.Tasks;

/// <summary>Follows one task's event stream until it ends, showing progress to people; shared by <c>watch</c> and <c>submit --wait</c>.</summary>
internal static class TaskWatch
{
    public static bool IsTerminal(MeshTaskStatus status) => status is
        MeshTaskStatus.Succeeded or MeshTaskStatus.Failed or MeshTaskStatus.Cancelled or MeshTaskStatus.Expired or MeshTaskStatus.DeadLettered;

    /// <summary>Waits for <paramref name="task"/> to finish, then reports it; 0 only when it succeeded.</summary>
    public static async Task<int> FollowAsync(NodeInvocation run, string tenant, MeshTask task, CancellationToken cancellationToken)
    {
        if (!IsTerminal(task.Status))
        {
            if (run.Json)
            {
                await DrainAsync(run, tenant, task.Id, cancellationToken);
            }
            else if (run.Output.IsInteractive)
            {
                await run.Output.Ansi.Status().Spinner(Spinner.Known.Dots).StartAsync(
                    StatusText(task.Status, null),
                    context => ShowAsync(run, tenant, task.Id, text => context.Status = text, cancellationToken));
            }
            else
            {
                await ShowAsync(run, tenant, task.Id, static _ => { }, cancellationToken);
            }

            task = await run.Client.GetTaskAsync(tenant, task.Id, cancellationToken);
        }

        return await ReportAsync(run, task);
    }

    private static async Task DrainAsync(NodeInvocation run, string tenant, string taskId, CancellationToken cancellationToken)
    {
        await foreach (var meshEvent in run.Client.WatchTaskAsync(tenant, taskId, cancellationToken))
        {
            _ = meshEvent;
        }
    }

    private static async Task ShowAsync(NodeInvocation run, string tenant, string taskId, Action<string> setStatus, CancellationToken cancellationToken)
    {
        string? progress = null;
        await foreach (var meshEvent in run.Client.WatchTaskAsync(tenant, taskId, cancellationToken))
        {
            run.Output.Ansi.WriteLine(EventText.Line(meshEvent, withSubject: false));
            if (meshEvent.Data.ValueKind == System.Text.Json.JsonValueKind.Object
                && meshEvent.Data.TryGetProperty("status", out var status) && SnakeCase.Parse<MeshTaskStatus>(status.GetString()) is { } current)
            {
                progress = meshEvent.Type.EndsWith(".progress", StringComparison.Ordinal) ? EventText.Details(meshEvent.Data, meshEvent.Type) : progress;
                setStatus(StatusText(current, progress));
            }
        }
    }

    private static string StatusText(MeshTaskStatus status, string? progress) =>
        $"{Markup.Escape(SnakeCase.Name(status))}{(progress is null ? "" : " · " + Markup.Escape(progress))}";

    private static async Task<int> ReportAsync(NodeInvocation run, MeshTask task)
    {
        if (run.Json)
        {
            await run.WriteNodeJsonAsync();
        }
        else
        {
            var took = task.FinishedAt - task.CreatedAt;
            run.Output.Ansi.MarkupLine(
                $"Task [bold]{Markup.Escape(task.Id)}[/] {TaskTables.Status(task.Status)} after {task.Attempts.Count} attempt(s) in {Format.Duration(took)}.");
            if (task.Status == MeshTaskStatus.Succeeded)
            {
                run.Output.Ansi.WriteLine("output: " + Format.Json(task.Output, 2000));
            }
        }

        if (task.Status == MeshTaskStatus.Succeeded)
        {
            return ExitCodes.Ok;
        }

        var error = task.Error is { } e ? $": {e.Code}: {e.Message}" : "";
        await run.Output.WriteErrorAsync($"error: task {task.Id} ended {SnakeCase.Name(task.Status)}{error}");
        return ExitCodes.RequestFailed;
    }
}
