using System.Text.Json;
using AgentMesh.Client.Worker;

namespace AgentMesh.Cli.Demo;

/// <summary>
/// A demo agent's work: waits 50–400 ms (honouring cancellation, reporting progress halfway on the longer ones), fails
/// retryably about one time in twenty so retries show, and otherwise does the task's small job.
/// </summary>
internal sealed class DemoHandler(TimeProvider timeProvider) : IAgentHandler
{
    private const double FailureRate = 0.05;
    private static readonly TimeSpan ProgressAfter = TimeSpan.FromMilliseconds(250);

    public async ValueTask<JsonElement?> HandleAsync(AgentTaskContext context)
    {
        var work = TimeSpan.FromMilliseconds(Random.Shared.Next(50, 401));
        if (work > ProgressAfter)
        {
            await Task.Delay(work / 2, timeProvider, context.CancellationToken);
            await context.ReportProgressAsync(50, "halfway");
            await Task.Delay(work / 2, timeProvider, context.CancellationToken);
        }
        else
        {
            await Task.Delay(work, timeProvider, context.CancellationToken);
        }

        if (Random.Shared.NextDouble() < FailureRate)
        {
            throw new AgentTaskException("demo_flaky", "A deliberate transient failure, so the demo shows retries.", retryable: true);
        }

        return context.Type switch
        {
            DemoAgents.Summarize => DemoWork.Summarize(context.Input, context.AgentId),
            DemoAgents.Translate => DemoWork.Translate(context.Input, context.AgentId),
            _ => context.Input,
        };
    }
}
