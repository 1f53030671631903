using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentMesh.TestKit.Services;

namespace AgentMesh.Cli.Tests;

public sealed class ServeRedisTests
{
    [Fact]
    public async Task ServeRedis_Started_SharesRateLimitsAndReportsRedis()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-cli-tests", Guid.NewGuid().ToString("N"));
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var output = TextWriter.Synchronized(text);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var invocation = Cli.Root()
            .Parse(["serve", "--data", data, "--urls", "http://127.0.0.1:0", "--redis", redis.ConnectionString])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, stop.Token);

        var status = await RedisWhenSharedAsync(data, TimeSpan.FromSeconds(15));
        await stop.CancelAsync();
        var exitCode = await invocation;

        Assert.True(status is not null, "the node reported no shared rate limits within 15 s:\n" + text);
        Assert.Equal("connected", (string?)status["state"]);
        Assert.Equal(redis.ConnectionString, (string?)status["endpoint"]);
        Assert.Equal(0, exitCode);
        Directory.Delete(data, recursive: true);
    }

    private static async Task<JsonObject?> RedisWhenSharedAsync(string data, TimeSpan limit)
    {
        var until = DateTimeOffset.UtcNow + limit;
        while (DateTimeOffset.UtcNow < until)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            var urlFile = Path.Combine(data, "node.url");
            var keyFile = Path.Combine(data, "admin.key");
            if (!File.Exists(urlFile) || !File.Exists(keyFile))
            {
                continue;
            }

            using var http = new HttpClient { BaseAddress = new Uri(await File.ReadAllTextAsync(urlFile, TestContext.Current.CancellationToken)) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(keyFile, TestContext.Current.CancellationToken)).Trim());
            (await http.GetAsync(new Uri("/v1/tenants", UriKind.Relative), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
            var detail = await http.GetFromJsonAsync<JsonObject>(new Uri("/health/detail", UriKind.Relative), TestContext.Current.CancellationToken);
            if (detail?["redis"] is JsonObject redis && (string?)redis["rateLimits"] == "shared")
            {
                return redis;
            }
        }

        return null;
    }
}
