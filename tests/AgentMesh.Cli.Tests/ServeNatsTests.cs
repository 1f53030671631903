using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentMesh.TestKit.Services;

namespace AgentMesh.Cli.Tests;

public sealed class ServeNatsTests
{
    [Fact]
    public async Task ServeNats_Started_RelaysEventsAndReportsTheRelay()
    {
        await using var nats = await NatsServerFixture.StartNewAsync();
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-cli-tests", Guid.NewGuid().ToString("N"));
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var output = TextWriter.Synchronized(text);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var invocation = Cli.Root()
            .Parse(["serve", "--data", data, "--urls", "http://127.0.0.1:0", "--nats", nats.Url])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, stop.Token);

        var relay = await RelayWhenPublishedAsync(data, TimeSpan.FromSeconds(15));
        await stop.CancelAsync();
        var exitCode = await invocation;

        Assert.True(relay is not null, "the node reported no relay that published within 15 s:\n" + text);
        Assert.Equal("AGENTMESH_EVENTS", (string)relay["stream"]!);
        Assert.Equal(nats.Url, (string)relay["url"]!);
        Assert.Equal(0, exitCode);
        Directory.Delete(data, recursive: true);
    }

    private static async Task<JsonObject?> RelayWhenPublishedAsync(string data, TimeSpan limit)
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
            var detail = await http.GetFromJsonAsync<JsonObject>(new Uri("/health/detail", UriKind.Relative), TestContext.Current.CancellationToken);
            if (detail?["nats"] is JsonObject relay && (string?)relay["state"] == "publishing" && (long)relay["published"]! > 0 && (long)relay["lag"]! == 0)
            {
                return relay;
            }
        }

        return null;
    }
}
