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

    [Fact]
    public async Task ModelOfOneAgentDown_ItsBreakerOpens_ItTakesNoMoreTasksAndTheOtherAgentRunsThemWithoutSpentAttempts()
    {
        using var down = new ChatModel(down: true);
        using var up = new ChatModel();
        await using var mesh = await MeshUnderTest.StartAsync();
        var tenant = await mesh.TenantAsync();

        // One model call per task (no retries); two failed calls open the breaker for longer than the test runs.
        using var failing = Processes.Start(Processes.LlmAgentDll,
            ["--url", mesh.Url.ToString(), "--key", mesh.AdminKey, "--tenant", tenant, "--agent-id", "llm-down", "--capabilities", "chat:4", "--concurrency", "1"],
            new Dictionary<string, string>
            {
                ["LLM_BASE_URL"] = down.BaseUrl.ToString(),
                ["LLM_MODEL"] = "fake-model",
                ["Llm__Resilience__MaxRetries"] = "0",
                ["Llm__Resilience__MinimumThroughput"] = "2",
                ["Llm__Resilience__BreakDuration"] = "00:05:00",
            });
        using var healthy = Processes.Start(Processes.LlmAgentDll,
            ["--url", mesh.Url.ToString(), "--key", mesh.AdminKey, "--tenant", tenant, "--agent-id", "llm-up", "--capabilities", "chat:4", "--concurrency", "1"],
            new Dictionary<string, string> { ["LLM_BASE_URL"] = up.BaseUrl.ToString(), ["LLM_MODEL"] = "fake-model" });
        await failing.WaitForLineAsync("agent llm-down started", TimeSpan.FromSeconds(60));
        await healthy.WaitForLineAsync("agent llm-up started", TimeSpan.FromSeconds(60));

        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var submitted = await mesh.Client.SubmitTaskAsync(tenant, new TaskSubmission
            {
                Type = "chat",
                Input = JsonSerializer.SerializeToElement(new { prompt = $"Question {i}" }),
                Requirements = [new Requirement("chat", 1)],
                MaxAttempts = 3,
            }, Cancellation);
            ids.Add(submitted.Task.Id);
        }

        var tasks = new List<MeshTask>();
        try
        {
            foreach (var id in ids)
            {
                tasks.Add(await mesh.WaitForAsync(tenant, id, static t => t.Status.IsTerminal(), TimeSpan.FromSeconds(90)));
            }
        }
        catch (TimeoutException exception)
        {
            var lines = new List<string>();
            foreach (var id in ids)
            {
                var task = await mesh.Client.GetTaskAsync(tenant, id, Cancellation);
                var events = await mesh.Client.GetTaskEventsAsync(tenant, id, Cancellation);
                lines.Add($"{id} {task.Status} [{string.Join(", ", task.Attempts.Select(a => $"{a.AgentId}:{a.Outcome}"))}] {string.Join(" ", events.Select(e => e.Type))}");
            }

            throw new TimeoutException($"{string.Join("\n", lines)}\nllm-down:\n{failing.Output}", exception);
        }

        var attempts = tasks.SelectMany(static t => t.Attempts).ToList();
        Assert.All(tasks, static t => Assert.Equal(MeshTaskStatus.Succeeded, t.Status));
        Assert.All(tasks, static t => Assert.Equal("llm-up", t.Attempts[^1].AgentId));

        // Only the two calls that opened the breaker cost attempts; after them llm-down declined what it was offered.
        Assert.Equal(2, down.Calls);
        Assert.Equal(2, attempts.Count(static a => a.Outcome == AttemptOutcome.Failed));
        Assert.DoesNotContain(attempts, static a => a.Error?.Code == "llm_circuit_open");
        Assert.Equal(20, up.Calls);
    }
}
