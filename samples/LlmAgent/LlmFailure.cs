using System.ClientModel;
using AgentMesh.Client.Worker;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LlmAgent;

/// <summary>Turns what a model call threw into the task failure the mesh should see.</summary>
internal static class LlmFailure
{
    /// <summary>Code of a request the model endpoint refused (400, 401, 403, 404, 422 …): another attempt would fare no better.</summary>
    public const string Rejected = "llm_rejected";

    /// <summary>Code of a transient failure (408, 429, 5xx, connection failure) that outlived the retries.</summary>
    public const string Unavailable = "llm_unavailable";

    /// <summary>Code of a call that ran out of its total time, or whose last attempt timed out.</summary>
    public const string Timeout = "llm_timeout";

    /// <summary>Code of a call refused without reaching the model because the circuit breaker is open.</summary>
    public const string CircuitOpen = "llm_circuit_open";

    /// <summary>The failure for <paramref name="exception"/>, or null when it is not a model-call failure.</summary>
    public static AgentTaskException? From(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case BrokenCircuitException:
                    return new AgentTaskException(CircuitOpen, "The model's circuit breaker is open; the call was not made.", retryable: true, exception);
                case TimeoutRejectedException:
                    return new AgentTaskException(Timeout, "The model call timed out.", retryable: true, exception);
                case ClientResultException { Status: >= 400 and < 500 and not 408 and not 429 } refused:
                    return new AgentTaskException(Rejected, $"The model endpoint answered {refused.Status}: {refused.Message}", retryable: false, exception);
                case ClientResultException { Status: > 0 } failed:
                    return new AgentTaskException(Unavailable, $"The model endpoint answered {failed.Status}: {failed.Message}", retryable: true, exception);
                case HttpRequestException:
                    return new AgentTaskException(Unavailable, $"The model endpoint could not be reached: {e.Message}", retryable: true, exception);
                default:
                    break;
            }
        }

        return exception is ClientResultException transport
            ? new AgentTaskException(Unavailable, $"The model endpoint could not be reached: {transport.Message}", retryable: true, exception)
            : null;
    }
}
