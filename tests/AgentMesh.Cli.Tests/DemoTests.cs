using System.CommandLine;
using System.Globalization;
using AgentMesh.Client;

namespace AgentMesh.Cli.Tests;

public sealed class DemoTests
{
    [Fact]
    public async Task ServeDemo_Started_TasksSucceedAndItStopsCleanly()
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-cli-tests", Guid.NewGuid().ToString("N"));
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var output = TextWriter.Synchronized(text);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var invocation = Cli.Root()
            .Parse(["serve", "--demo", "--data", data, "--urls", "http://127.0.0.1:0"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, stop.Token);

        var succeeded = await SucceededWithinAsync(data, TimeSpan.FromSeconds(15));
        await stop.CancelAsync();
        var exitCode = await invocation;

        Assert.True(succeeded > 0, "no demo task succeeded within 15 s:\n" + text);
        Assert.Equal(0, exitCode);
        Assert.Contains("agentmesh events tail --tenant demo", text.ToString(), StringComparison.Ordinal);
        Directory.Delete(data, recursive: true);
    }

    private static async Task<int> SucceededWithinAsync(string data, TimeSpan limit)
    {
        var until = DateTimeOffset.UtcNow + limit;
        while (DateTimeOffset.UtcNow < until)
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
            var urlFile = Path.Combine(data, "node.url");
            var keyFile = Path.Combine(data, "admin.key");
            if (!File.Exists(urlFile) || !File.Exists(keyFile))
            {
                continue;
            }

            using var client = AgentMeshClient.Create(new Uri(File.ReadAllText(urlFile)), File.ReadAllText(keyFile).Trim());
            try
            {
                var page = await client.ListTasksAsync("demo", new TaskQuery { Status = MeshTaskStatus.Succeeded, Limit = 10 }, TestContext.Current.CancellationToken);
                if (page.Items.Count > 0)
                {
                    return page.Items.Count;
                }
            }
            catch (AgentMeshApiException exception) when (exception.Code == "tenant_not_found")
            {
            }
        }

        return 0;
    }
}
