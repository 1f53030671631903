using LlmAgent;

namespace AgentMesh.Client.Tests.Llm;

public class LlmOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_NeedOnlyTheEndpointAndModel()
    {
        var missing = new LlmOptionsValidator().Validate(null, new LlmOptions());
        var complete = new LlmOptionsValidator().Validate(null, new LlmOptions { BaseUrl = new Uri("http://127.0.0.1:11434/v1"), Model = "llama3.2" });

        Assert.Equal(["Llm:BaseUrl", "Llm:Model"], missing.Failures!.Select(static f => f.Split(' ')[0]));
        Assert.True(complete.Succeeded);
    }

    [Fact]
    public void Validate_BadResilienceSettings_NamesEachOne()
    {
        var options = new LlmOptions
        {
            BaseUrl = new Uri("ftp://models.example/"),
            Model = "m",
            Resilience = new LlmResilienceOptions
            {
                AttemptTimeout = TimeSpan.FromSeconds(10),
                TotalTimeout = TimeSpan.FromSeconds(5),
                MaxRetries = -1,
                FailureRatio = 0,
                MinimumThroughput = 1,
                BreakDuration = TimeSpan.FromMilliseconds(100),
            },
        };

        var result = new LlmOptionsValidator().Validate(null, options);

        Assert.Equal(
            ["Llm:BaseUrl", "Llm:Resilience:TotalTimeout", "Llm:Resilience:MaxRetries", "Llm:Resilience:FailureRatio",
             "Llm:Resilience:MinimumThroughput", "Llm:Resilience:BreakDuration"],
            result.Failures!.Select(static f => f.Split(' ')[0]));
    }
}
