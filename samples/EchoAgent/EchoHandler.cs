using System.Text.Json;
using AgentMesh.Client.Worker;

namespace EchoAgent;

/// <summary>
/// Returns its input as output. Input fields steer it: <c>delayMs</c> waits that long first (honouring cancellation),
/// <c>delayAttempts</c> limits that wait to the first N attempts (so a retry elsewhere is quick),
/// <c>"fail": true</c> fails retryably, <c>"failPermanently": true</c> fails for good. An agent started with
/// <c>--broken true</c> throws on every task instead, as a handler with a bug would.
/// </summary>
internal sealed class EchoHandler(TimeProvider timeProvider, EchoAgentSettings settings) : IAgentHandler
{
    public async ValueTask<JsonElement?> HandleAsync(AgentTaskContext context)
    {
        if (settings.Broken)
        {
            throw new InvalidOperationException("This echo agent was started with --broken true.");
        }

        var input = context.Input;
        if (input.ValueKind != JsonValueKind.Object)
        {
            return input.ValueKind == JsonValueKind.Undefined ? null : input;
        }

        var delayed = !input.TryGetProperty("delayAttempts", out var attempts) || !attempts.TryGetInt32(out var upTo) || context.Attempt <= upTo;
        if (delayed && input.TryGetProperty("delayMs", out var delay) && delay.TryGetInt32(out var milliseconds) && milliseconds > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(milliseconds), timeProvider, context.CancellationToken);
        }

        if (input.TryGetProperty("failPermanently", out var failPermanently) && failPermanently.ValueKind == JsonValueKind.True)
        {
            throw new AgentTaskException("echo_failed_permanently", "The input asked for a permanent failure.", retryable: false);
        }

        if (input.TryGetProperty("fail", out var fail) && fail.ValueKind == JsonValueKind.True)
        {
            throw new AgentTaskException("echo_failed", "The input asked for a failure.", retryable: true);
        }

        return input;
    }
}
