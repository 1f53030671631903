using System.Net;
using System.Net.Sockets;

namespace AgentMesh.Cli.Tests;

/// <summary><c>--url</c> with a cluster's nodes separated by commas.</summary>
[Collection(SharedNode.Name)]
public sealed class NodeListTests(CliNode node)
{
    [Fact]
    public async Task TenantList_FirstNodeOfTheListDown_TheNextNodeAnswers()
    {
        var tenant = await node.TenantAsync();

        var people = await Cli.RunAsync("tenant", "list", "--url", $"{Refusing()},{node.Url}", "--key", node.AdminKey);
        var json = await Cli.RunAsync("tenant", "list", "--url", $"{Refusing()}, {node.Url}", "--key", node.AdminKey, "--json");

        Assert.Equal(0, people.ExitCode);
        Assert.Contains(tenant, people.Out, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        Assert.Contains(tenant, json.Json().GetProperty("items").EnumerateArray().Select(static t => t.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task TenantList_EveryNodeDown_ExitsThreeNamingEachNode()
    {
        var (first, second) = (Refusing(), Refusing());

        var result = await Cli.RunAsync("tenant", "list", "--url", $"{first},{second}", "--key", "amk_x");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"cannot reach the AgentMesh nodes at {first}, {second}:", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantList_ListWithAnEntryThatIsNoUrl_ExitsTwoBeforeSendingAnything()
    {
        var result = await Cli.RunAsync("tenant", "list", "--url", $"{node.Url},not a url", "--key", node.AdminKey);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: the node URL is not valid", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    /// <summary>The address of a loopback port nothing listens on.</summary>
    private static string Refusing()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }
}
