using System.Globalization;
using AgentMesh.Client;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Cli.Demo;

/// <summary>
/// A steady mix of tasks, about 15 a second: summarize, translate and echo with random priorities and requirement
/// levels; some carry an idempotency key (and a few repeat one, which returns the first task), some a deadline.
/// </summary>
internal sealed class DemoWorkload(AgentMeshClient client, string tenant, DemoCounters counters, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private static readonly string[] Texts =
    [
        "Hello world. Every agent is good at one small task and the mesh routes the work.",
        "The mesh is fast! Tasks are queued, leased and retried until they succeed.",
        "Agents poll for work and report results. A lease that expires goes back to the queue.",
        "Good day to every agent. The small message is the work of the day.",
        "Priorities decide the order. Deadlines decide when a task is too late to start.",
        "An idempotency key makes a repeat harmless. The first task is returned again.",
    ];

    private static readonly string[] Languages = ["fr", "de", "reverse"];

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private string? _lastKey;
    private long _sequence;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                // One or two tasks per 100 ms tick: about 15 a second.
                var count = Random.Shared.Next(1, 3);
                for (var i = 0; i < count; i++)
                {
                    await SubmitOneAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task SubmitOneAsync(CancellationToken cancellationToken)
    {
        var submission = Next();
        try
        {
            var result = await client.SubmitTaskAsync(tenant, submission, cancellationToken);
            counters.Submitted(result.Created);
        }
        catch (AgentMeshApiException exception)
        {
            counters.Rejected();
            DemoLog.SubmitRefused(logger, submission.Type, exception.Code, exception.Detail);
        }
        catch (HttpRequestException exception)
        {
            counters.Rejected();
            DemoLog.SubmitFailed(logger, submission.Type, exception);
        }
    }

    private TaskSubmission Next()
    {
        var n = Interlocked.Increment(ref _sequence);
        var text = Texts[Random.Shared.Next(Texts.Length)];
        var roll = Random.Shared.NextDouble();
        var (type, requirement, input) = roll switch
        {
            < 0.5 => (DemoAgents.Summarize, new Requirement(DemoAgents.Summarize, Random.Shared.Next(1, 6)), DemoWork.Json(w => w.WriteString("text", text))),
            < 0.85 => (DemoAgents.Translate, new Requirement(DemoAgents.Translate, Random.Shared.Next(1, 5)), DemoWork.Json(w =>
            {
                w.WriteString("text", text);
                w.WriteString("to", Languages[Random.Shared.Next(Languages.Length)]);
            })),
            _ => (DemoAgents.Echo, new Requirement(DemoAgents.Echo, Random.Shared.Next(1, 3)), DemoWork.Json(w =>
            {
                w.WriteString("text", text);
                w.WriteNumber("n", n);
            })),
        };

        return new TaskSubmission
        {
            Type = type,
            Input = input,
            Requirements = [requirement],
            Priority = Random.Shared.Next(1, 6),
            Deadline = Random.Shared.NextDouble() < 0.2 ? time.GetUtcNow().AddSeconds(Random.Shared.Next(3, 11)) : null,
            IdempotencyKey = IdempotencyKey(n),
            Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["source"] = "demo" },
        };
    }

    private string? IdempotencyKey(long n)
    {
        var roll = Random.Shared.NextDouble();
        if (roll < 0.05 && _lastKey is not null)
        {
            return _lastKey;
        }

        if (roll < 0.2)
        {
            _lastKey = string.Create(CultureInfo.InvariantCulture, $"demo-{_run}-{n}");
            return _lastKey;
        }

        return null;
    }
}
