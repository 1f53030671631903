using AgentMesh.Cli.Events;
using AgentMesh.Cli.Output;
using AgentMesh.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AgentMesh.Cli.Tasks;

/// <summary>How tasks look to people.</summary>
internal static class TaskTables
{
    public static Table List(IEnumerable<MeshTask> tasks)
    {
        var table = new Table().AddColumns("ID", "TYPE", "STATUS", "PRI", "ATTEMPTS", "AGENT", "CREATED", "TOOK");
        foreach (var task in tasks)
        {
            table.AddRow(
                new Text(task.Id),
                new Text(task.Type),
                new Markup(Status(task.Status)),
                new Text(task.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text($"{task.Attempts.Count}/{task.MaxAttempts}"),
                new Text(task.Attempts.Count == 0 ? "-" : task.Attempts[^1].AgentId ?? "-"),
                new Text(Format.Time(task.CreatedAt)),
                new Text(Format.Duration(task.FinishedAt - task.CreatedAt)));
        }

        return table;
    }

    public static IRenderable Details(MeshTask task, IReadOnlyList<MeshEvent> events)
    {
        var grid = Format.Grid();
        Format.Row(grid, "id", task.Id);
        Format.Row(grid, "type", task.Type);
        grid.AddRow(new Markup("[grey]status[/]"), new Markup(Status(task.Status) + (task.CancelRequested ? " (cancel requested)" : "")));
        Format.Row(grid, "priority", task.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Format.Row(grid, "requirements", task.Requirements.Count == 0 ? null : string.Join(", ", task.Requirements.Select(r => $"{r.Capability}≥{Format.Level(r.MinLevel)}")));
        Format.Row(grid, "target agent", task.TargetAgent);
        Format.Row(grid, "strategy", task.Strategy is { } strategy ? SnakeCase.Name(strategy) : null);
        Format.Row(grid, "deadline", task.Deadline is null ? null : Format.Time(task.Deadline));
        Format.Row(grid, "timeout", $"{task.TimeoutSeconds} s");
        Format.Row(grid, "attempts", $"{task.Attempts.Count} of {task.MaxAttempts}");
        Format.Row(grid, "idempotency key", task.IdempotencyKey);
        Format.Row(grid, "correlation id", task.CorrelationId);
        Format.Row(grid, "parent task", task.ParentTaskId);
        Format.Row(grid, "workflow", task.WorkflowId);
        Format.Row(grid, "labels", task.Labels.Count == 0 ? null : string.Join(", ", task.Labels.Select(l => $"{l.Key}={l.Value}")));
        Format.Row(grid, "progress", task.Progress is { } progress ? $"{Format.Level(progress.Percent)}% {progress.Message}" : null);
        Format.Row(grid, "input", Format.Json(task.Input, 500));
        Format.Row(grid, "output", Format.Json(task.Output, 500));
        Format.Row(grid, "error", task.Error is { } error ? $"{error.Code}: {error.Message}" : null);
        Format.Row(grid, "created", Format.Time(task.CreatedAt));
        Format.Row(grid, "next attempt", task.NextAttemptAt is null ? null : Format.Time(task.NextAttemptAt));
        Format.Row(grid, "finished", task.FinishedAt is null ? null : $"{Format.Time(task.FinishedAt)} (took {Format.Duration(task.FinishedAt - task.CreatedAt)})");

        var attempts = new Table { Title = new TableTitle("attempts") }.AddColumns("#", "AGENT", "STARTED", "ENDED", "OUTCOME", "ERROR");
        foreach (var attempt in task.Attempts)
        {
            attempts.AddRow(
                attempt.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(attempt.AgentId ?? "-"),
                Format.Time(attempt.LeaseStartedAt),
                Format.Time(attempt.LeaseEndedAt),
                attempt.Outcome is { } outcome ? SnakeCase.Name(outcome) : "running",
                Markup.Escape(attempt.Error is { } e ? $"{e.Code}: {e.Message}" : "-"));
        }

        var history = new Table { Title = new TableTitle("events") }.AddColumns("#", "TIME", "TYPE", "DETAILS");
        foreach (var meshEvent in events)
        {
            history.AddRow(
                meshEvent.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Format.Clock(meshEvent.Time),
                Markup.Escape(EventText.ShortType(meshEvent.Type)),
                Markup.Escape(EventText.Details(meshEvent.Data, meshEvent.Type)));
        }

        return new Rows(grid, attempts, history);
    }

    public static string Status(MeshTaskStatus status)
    {
        var name = SnakeCase.Name(status);
        return status switch
        {
            MeshTaskStatus.Succeeded => $"[green]{name}[/]",
            MeshTaskStatus.Running => $"[blue]{name}[/]",
            MeshTaskStatus.Queued or MeshTaskStatus.Pending or MeshTaskStatus.AwaitingApproval => $"[yellow]{name}[/]",
            MeshTaskStatus.Cancelled => $"[grey]{name}[/]",
            _ => $"[red]{name}[/]",
        };
    }
}
