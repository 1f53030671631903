using System.Text.Json;
using AgentMesh.Client;

namespace AgentMesh.EndToEnd.Tests;

public class LlmAgentTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Submit_ToLlmAgentProcess_SucceedsWithTheModelsTextAndTheNodeCountsItsTokens()
    {
        using var model = new ChatModel();
        await using var mesh = await MeshUnderTest.StartAsync();
        var tenant = await mesh.TenantAsync();
        using var agent = Processes.Start(Processes.LlmAgentDll,
            ["--url", mesh.Url.ToString(), "--key", mesh.AdminKey, "--tenant", tenant, "--agent-id", "llm-1", "--capabilities", "chat:4"],
            new Dictionary<string, string> { ["LLM_BASE_URL"] = model.BaseUrl.ToString(), ["LLM_MODEL"] = "fake-model" });
        await agent.WaitForLineAsync("agent llm-1 started", TimeSpan.FromSeconds(60));

        var submitted = await mesh.Client.SubmitTaskAsync(tenant, new TaskSubmission
        {
            Type = "chat",
            Input = JsonSerializer.SerializeToElement(new { prompt = "Name three prime numbers.", system = "Answer briefly." }),
            Requirements = [new Requirement("chat", 1)],
        }, Cancellation);
        var done = await mesh.WaitForAsync(tenant, submitted.Task.Id, static t => t.Status.IsTerminal());
        using var node = new HttpClient { BaseAddress = mesh.Url };
        var label = $"tenant=\"{tenant}\"";
        await DependencyHangTests.WaitUntilAsync(
            async () => await TaskOutcomes.MetricAsync(node, "agentmesh_genai_token_usage_count", label) >= 2,
            TimeSpan.FromSeconds(10),
            "no token usage on /metrics");
        var input = await TaskOutcomes.MetricAsync(node, "agentmesh_genai_token_usage_sum", label, "type=\"chat\"", "gen_ai_token_type=\"input\"");
        var output = await TaskOutcomes.MetricAsync(node, "agentmesh_genai_token_usage_sum", label, "type=\"chat\"", "gen_ai_token_type=\"output\"");

        Assert.Equal(MeshTaskStatus.Succeeded, done.Status);
        Assert.Equal(ChatModel.Text, done.Output!.Value.GetProperty("text").GetString());
        Assert.Equal("fake-model-1", done.Output.Value.GetProperty("model").GetString());
        Assert.Equal(("llm-1", 1), (Assert.Single(done.Attempts).AgentId, model.Calls));
        Assert.Equal((ChatModel.PromptTokens, ChatModel.CompletionTokens), (input, output));
    }
}
