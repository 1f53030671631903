using AgentMesh.Resilience;
using AgentMesh.Server.Hosting;
using Microsoft.Extensions.Options;

namespace AgentMesh.Redis.Tests;

public sealed class RedisOptionsTests
{
    [Theory]
    [InlineData("AgentMesh:Redis:ConnectTimeout", "00:00:00", "AgentMesh:Redis:ConnectTimeout")]
    [InlineData("AgentMesh:Redis:KeyPrefix", "a-prefix-that-is-much-longer-than-sixty-four-characters-of-redis-key-space", "AgentMesh:Redis:KeyPrefix")]
    [InlineData("AgentMesh:Resilience:Redis:Timeout", "00:00:00", "AgentMesh:Resilience:Redis:Timeout")]
    [InlineData("AgentMesh:Resilience:Redis:BreakDuration", "00:00:00.100", "AgentMesh:Resilience:Redis:BreakDuration")]
    public async Task Start_UnusableSetting_RefusesNamingIt(string setting, string value, string named)
    {
        var exception = await StartAsync("127.0.0.1:1", "--" + setting, value);

        Assert.Contains(named, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AgentMesh:Redis:OperationTimeout", "AgentMesh:Resilience:Redis:Timeout")]
    [InlineData("AgentMesh:Redis:RetryInterval", "AgentMesh:Resilience:Redis:BreakDuration")]
    public async Task Start_RetiredSetting_RefusesNamingItsReplacement(string setting, string replacement)
    {
        var exception = await StartAsync("127.0.0.1:1", "--" + setting, "00:00:01");

        Assert.Contains($"{setting} is no longer read: set {replacement} instead", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ConnectionStringWithUnknownOption_RefusesNamingConnectionStringsRedis()
    {
        var exception = await StartAsync("127.0.0.1:1,noSuchOption=1");

        Assert.Contains("ConnectionStrings:Redis", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_AreTheDocumentedOnes()
    {
        var options = new RedisOptions();

        Assert.Equal("agentmesh:", options.KeyPrefix);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ConnectTimeout);
    }

    [Fact]
    public void Pipeline_Defaults_AreTheDocumentedOnes()
    {
        var options = new DependencyResilienceOptions();
        Dependencies.ApplyDefaults(Dependencies.Redis, options);

        Assert.Equal(TimeSpan.FromMilliseconds(100), options.Timeout);
        Assert.Equal(0, options.MaxRetries);
        Assert.Equal(0.5, options.FailureRatio);
        Assert.Equal(TimeSpan.FromSeconds(1), options.SamplingDuration);
        Assert.Equal(2, options.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(1), options.BreakDuration);
        Assert.Null(options.Validate(Dependencies.Redis));
    }

    private static async Task<OptionsValidationException> StartAsync(string connectionString, params string[] settings)
    {
        var data = Directory.CreateTempSubdirectory("agentmesh-redis-options-");
        try
        {
            await using var app = AgentMeshNode.Build(
            [
                "--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data.FullName, "--Logging:LogLevel:Default", "None",
                "--ConnectionStrings:Redis", connectionString, .. settings,
            ]);
            return await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
