using AgentMesh.Server.Hosting;
using Microsoft.Extensions.Options;

namespace AgentMesh.Redis.Tests;

public sealed class RedisOptionsTests
{
    [Theory]
    [InlineData("AgentMesh:Redis:OperationTimeout", "00:00:00", "AgentMesh:Redis:OperationTimeout")]
    [InlineData("AgentMesh:Redis:RetryInterval", "-00:00:01", "AgentMesh:Redis:RetryInterval")]
    [InlineData("AgentMesh:Redis:KeyPrefix", "a-prefix-that-is-much-longer-than-sixty-four-characters-of-redis-key-space", "AgentMesh:Redis:KeyPrefix")]
    public async Task Start_UnusableSetting_RefusesNamingIt(string setting, string value, string named)
    {
        var exception = await StartAsync("127.0.0.1:1", "--" + setting, value);

        Assert.Contains(named, exception.Message, StringComparison.Ordinal);
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
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.OperationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ConnectTimeout);
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
