using System.CommandLine;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Output;
using AgentMesh.Client;
using Spectre.Console;

namespace AgentMesh.Cli.Tasks;

/// <summary><c>agentmesh task submit</c>, optionally waiting for the task to finish.</summary>
internal static class TaskSubmitCommand
{
    public static Command Create(ConnectionOptions options, Option<string> tenant)
    {
        var type = new Option<string>("--type") { Description = "Task type, 1–128 characters.", Required = true };
        var input = new Option<string?>("--input") { Description = "Input JSON, such as '{\"text\":\"hello\"}'; JSON null by default." };
        var inputFile = new Option<string?>("--input-file") { Description = "Read the input JSON from this file ('-' for stdin)." };
        var require = new Option<string[]>("--require") { Description = "A capability the task needs, as cap or cap:minLevel (1–5); repeat for more." };
        var priority = new Option<int?>("--priority") { Description = "1–5, 5 most urgent; the node's default is 3." };
        var timeout = new Option<int?>("--timeout") { Description = "Lease length in seconds, 1–3600; the node's default is 300." };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "1–6; the node's default is 4." };
        var deadline = new Option<string?>("--deadline") { Description = "Expire the task if it has not started by then: ISO 8601, or +30s, +5m, +2h." };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "A repeat with the same key within 24 h returns the first task." };
        var targetAgent = new Option<string?>("--target-agent") { Description = "Dispatch to this agent only." };
        var strategy = new Option<string?>("--strategy") { Description = "Routing strategy." };
        strategy.AcceptOnlyFromAmong(SnakeCase.Names<RoutingStrategy>());
        var correlationId = new Option<string?>("--correlation-id") { Description = "Free correlation id, filterable in lists." };
        var label = new Option<string[]>("--label") { Description = "A label as key=value; repeat for more." };
        var wait = new Option<bool>("--wait") { Description = "Watch the task until it ends; exit code 0 only if it succeeded." };
        var command = new Command("submit", "Submit a task.")
        {
            type, input, inputFile, require, priority, timeout, maxAttempts, deadline, idempotencyKey, targetAgent, strategy, correlationId, label, wait,
        };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var submission = new TaskSubmission
            {
                Type = run.Get(type)!,
                Input = await SubmissionParts.InputAsync(run.Get(input), run.Get(inputFile), cancellationToken),
                Requirements = SubmissionParts.Requirements(run.Get(require)),
                Priority = run.Get(priority),
                TimeoutSeconds = run.Get(timeout),
                MaxAttempts = run.Get(maxAttempts),
                Deadline = SubmissionParts.Deadline(run.Get(deadline), TimeProvider.System),
                IdempotencyKey = run.Get(idempotencyKey),
                TargetAgent = run.Get(targetAgent),
                Strategy = SnakeCase.Parse<RoutingStrategy>(run.Get(strategy)),
                CorrelationId = run.Get(correlationId),
                Labels = SubmissionParts.Labels(run.Get(label)),
            };
            var (task, created) = await run.Client.SubmitTaskAsync(run.Get(tenant)!, submission, cancellationToken);
            if (!run.Json)
            {
                run.Output.Ansi.MarkupLine(created
                    ? $"Submitted task [bold]{Markup.Escape(task.Id)}[/] ({Markup.Escape(task.Type)}, {TaskTables.Status(task.Status)})."
                    : $"Task [bold]{Markup.Escape(task.Id)}[/] was already submitted with this idempotency key ({TaskTables.Status(task.Status)}).");
            }

            if (run.Get(wait))
            {
                return await TaskWatch.FollowAsync(run, run.Get(tenant)!, task, cancellationToken);
            }

            if (run.Json)
            {
                await run.WriteNodeJsonAsync();
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
