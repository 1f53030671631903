namespace AgentMesh.Client.Tests.Llm;

/// <summary>One answer of <see cref="FakeModel"/>: a status and body, or no answer at all.</summary>
internal sealed record ModelAnswer(int Status, string Body, bool Hang = false)
{
    public static ModelAnswer Hanging { get; } = new(0, "", Hang: true);

    public static ModelAnswer Completion(string text, int promptTokens, int completionTokens) => new(200, $$$"""
        {"id":"chatcmpl-1","object":"chat.completion","created":1764720000,"model":"fake-model-1",
         "choices":[{"index":0,"message":{"role":"assistant","content":"{{{text}}}"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":{{{promptTokens}}},"completion_tokens":{{{completionTokens}}},"total_tokens":{{{promptTokens + completionTokens}}}}}
        """);

    public static ModelAnswer Error(int status) => new(status, $$$"""
        {"error":{"message":"fake model answers {{{status}}}","type":"fake_error","code":null}}
        """);
}
