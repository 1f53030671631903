using System.Net;
using System.Text;
using AgentMesh.TestKit.Http;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>
/// An OpenAI-compatible chat endpoint on a random loopback port: answers every <c>POST /v1/chat/completions</c> with
/// <see cref="Text"/> and a usage block of <see cref="PromptTokens"/> and <see cref="CompletionTokens"/> — or, when
/// made <c>down</c>, with 503 as an overloaded model does.
/// </summary>
internal sealed class ChatModel : IDisposable
{
    public const string Text = "Two, three and five.";
    public const int PromptTokens = 21;
    public const int CompletionTokens = 8;

    private static readonly byte[] Completion = Encoding.UTF8.GetBytes($$$"""
        {"id":"chatcmpl-e2e","object":"chat.completion","created":1764720000,"model":"fake-model-1",
         "choices":[{"index":0,"message":{"role":"assistant","content":"{{{Text}}}"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{CompletionTokens}}},"total_tokens":{{{PromptTokens + CompletionTokens}}}}}
        """);

    private static readonly byte[] NotFound = """{"error":{"message":"not found","type":"invalid_request_error"}}"""u8.ToArray();
    private static readonly byte[] Overloaded = """{"error":{"message":"the model is overloaded","type":"server_error"}}"""u8.ToArray();

    private readonly LoopbackHttpListener _listener;
    private readonly bool _down;
    private int _calls;

    public ChatModel(bool down = false)
    {
        _down = down;
        _listener = new LoopbackHttpListener("/", AnswerAsync);
    }

    /// <summary>The value for the agent's <c>LLM_BASE_URL</c>.</summary>
    public Uri BaseUrl => new(_listener.Url, "v1");

    public int Calls => Volatile.Read(ref _calls);

    public void Dispose() => _listener.Dispose();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using (var reader = new StreamReader(context.Request.InputStream))
        {
            await reader.ReadToEndAsync();
        }

        var found = context.Request.HttpMethod == "POST" && context.Request.Url?.AbsolutePath == "/v1/chat/completions";
        if (found)
        {
            Interlocked.Increment(ref _calls);
        }

        context.Response.StatusCode = !found ? 404 : _down ? 503 : 200;
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(!found ? NotFound : _down ? Overloaded : Completion);
        context.Response.Close();
    }
}
