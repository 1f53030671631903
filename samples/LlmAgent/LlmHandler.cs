using System.Text.Json;
using AgentMesh.Client.Worker;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace LlmAgent;

/// <summary>
/// Answers <c>{ "prompt": "...", "system"?: "..." }</c> with <c>{ "text": "...", "model": "..." }</c> from the chat
/// endpoint, and reports the tokens the call used. A refused request fails the task for good; a transient failure
/// that outlived the retries, a timeout or an open circuit breaker fails it retryably, so the mesh tries again
/// elsewhere or later. While the model's circuit breaker is open the agent declines every task
/// (<see cref="IAgentAvailability"/>): the mesh routes the work to other agents without spending attempts.
/// </summary>
internal sealed class LlmHandler(IChatClient chatClient, IOptions<LlmOptions> options, ModelAvailability availability) : IAgentHandler, IAgentAvailability
{
    public string? UnavailableReason => availability.UnavailableReason;

    public async ValueTask<JsonElement?> HandleAsync(AgentTaskContext context)
    {
        var messages = Read(context.Input);
        ChatResponse response;
        try
        {
            response = await chatClient.GetResponseAsync(messages, cancellationToken: context.CancellationToken);
        }
        catch (Exception exception) when (!context.CancellationToken.IsCancellationRequested && LlmFailure.From(exception) is { } failure)
        {
            LlmLog.CallFailed(context.Logger, context.TaskId, failure.Code, failure.Retryable, failure.Message);
            throw failure;
        }

        if (response.Usage is { } usage)
        {
            context.ReportTokenUsage(Math.Max(usage.InputTokenCount ?? 0, 0), Math.Max(usage.OutputTokenCount ?? 0, 0));
        }

        return JsonSerializer.SerializeToElement(
            new LlmOutput(response.Text, response.ModelId ?? options.Value.Model!),
            LlmJsonContext.Default.LlmOutput);
    }

    private static List<ChatMessage> Read(JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object
            || !input.TryGetProperty("prompt", out var prompt)
            || prompt.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(prompt.GetString()))
        {
            throw new AgentTaskException("invalid_input", "The input needs a non-empty string \"prompt\".", retryable: false);
        }

        var messages = new List<ChatMessage>(2);
        if (input.TryGetProperty("system", out var system) && system.ValueKind != JsonValueKind.Null)
        {
            if (system.ValueKind != JsonValueKind.String)
            {
                throw new AgentTaskException("invalid_input", "\"system\" must be a string.", retryable: false);
            }

            messages.Add(new ChatMessage(ChatRole.System, system.GetString()));
        }

        messages.Add(new ChatMessage(ChatRole.User, prompt.GetString()));
        return messages;
    }
}
