using System.Globalization;
using System.Text.Json;
using AgentMesh.Client.Tests.Worker;
using AgentMesh.Client.Worker;
using LlmAgent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Client.Tests.Llm;

/// <summary>The LLM agent's handler wired as the agent process wires it, pointed at a <see cref="FakeModel"/>.</summary>
internal sealed class LlmAgentUnderTest : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly FakeNode _node = new();
    private int _tasks;

    public LlmAgentUnderTest(FakeModel model, Dictionary<string, string?> resilience)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Llm:BaseUrl"] = model.BaseUrl.ToString(),
            ["Llm:Model"] = "fake-model",
            ["Llm:ApiKey"] = "sk-test",
        };
        foreach (var (key, value) in resilience)
        {
            settings["Llm:Resilience:" + key] = value;
        }

        var services = new ServiceCollection().AddLogging(logging => logging.AddProvider(Logs));
        services.AddLlmChatClient(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        _provider = services.BuildServiceProvider();
        Handler = ActivatorUtilities.CreateInstance<LlmHandler>(_provider);
    }

    public LlmHandler Handler { get; }

    public LogLines Logs { get; } = new();

    public static Dictionary<string, string?> Seconds(params (string Key, double Value)[] settings) =>
        settings.ToDictionary(
            static s => s.Key,
            static s => (string?)(s.Key is "MaxRetries" or "MinimumThroughput" or "FailureRatio"
                ? s.Value.ToString(CultureInfo.InvariantCulture)
                : TimeSpan.FromSeconds(s.Value).ToString("c", CultureInfo.InvariantCulture)));

    public AgentTaskContext Context(string input = """{"prompt":"say hello"}""") =>
        new(new HeldTask(FakeNode.Assignment("t" + Interlocked.Increment(ref _tasks), input)), "acme", "llm-1", _node.Client(), NullLogger.Instance);

    public async Task<JsonElement?> RunAsync(AgentTaskContext context) => await Handler.HandleAsync(context);

    public async Task<AgentTaskException> FailAsync(AgentTaskContext? context = null) =>
        await Assert.ThrowsAsync<AgentTaskException>(async () => await Handler.HandleAsync(context ?? Context()));

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
