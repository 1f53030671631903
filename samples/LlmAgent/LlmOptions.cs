namespace LlmAgent;

/// <summary>The chat endpoint the agent calls, bound from the <c>Llm</c> configuration section.</summary>
internal sealed class LlmOptions
{
    public const string Section = "Llm";

    /// <summary>
    /// Base address of an OpenAI-compatible API, such as <c>https://api.openai.com/v1</c> or
    /// <c>http://127.0.0.1:11434/v1</c>; the agent posts to <c>{BaseUrl}/chat/completions</c>. Required
    /// (<c>LLM_BASE_URL</c>).
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>Model name sent with every request. Required (<c>LLM_MODEL</c>).</summary>
    public string? Model { get; set; }

    /// <summary>Bearer key for the endpoint (<c>LLM_API_KEY</c>); none by default, for local servers that need none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Timeouts, retries and the circuit breaker around each model call.</summary>
    public LlmResilienceOptions Resilience { get; set; } = new();
}
