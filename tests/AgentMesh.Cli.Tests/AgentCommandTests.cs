using AgentMesh.Client;

namespace AgentMesh.Cli.Tests;

[Collection(SharedNode.Name)]
public sealed class AgentCommandTests(CliNode node)
{
    [Fact]
    public async Task List_RegisteredAgent_ShowsItWithItsCapabilities()
    {
        var tenant = await RegisteredAsync("sum-1");

        var people = await Cli.RunAsync(node.Connect("agent", "list", "--tenant", tenant));
        var json = await Cli.RunAsync(node.Connect("agent", "list", "--tenant", tenant, "--capability", "summarize", "--json"));

        Assert.Equal(0, people.ExitCode);
        Assert.Contains("sum-1", people.Out, StringComparison.Ordinal);
        Assert.Contains("summarize:4.5", people.Out, StringComparison.Ordinal);
        Assert.Equal("sum-1", json.Json().GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task List_StatusFilter_LeavesOthersOut()
    {
        var tenant = await RegisteredAsync("sum-1");

        var result = await Cli.RunAsync(node.Connect("agent", "list", "--tenant", tenant, "--status", "quarantined", "--json"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(0, result.Json().GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Show_RegisteredAgent_PrintsItsFields()
    {
        var tenant = await RegisteredAsync("sum-1");

        var result = await Cli.RunAsync(node.Connect("agent", "show", "--tenant", tenant, "sum-1"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("summarizer", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quarantine_ThenRelease_ChangesItsStatus()
    {
        var tenant = await RegisteredAsync("sum-1");

        var quarantined = await Cli.RunAsync(node.Connect("agent", "quarantine", "sum-1", "--tenant", tenant, "--json"));
        var released = await Cli.RunAsync(node.Connect("agent", "release", "sum-1", "--tenant", tenant));

        Assert.Equal(0, quarantined.ExitCode);
        Assert.Equal("quarantined", quarantined.Json().GetProperty("status").GetString());
        Assert.Equal(0, released.ExitCode);
    }

    [Fact]
    public async Task Terminate_IdleAgent_LeavesItTerminated()
    {
        var tenant = await RegisteredAsync("sum-1");

        var result = await Cli.RunAsync(node.Connect("agent", "terminate", "sum-1", "--tenant", tenant));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("terminated", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnknownAgent_ExitsOneWithTheProblemCode()
    {
        var tenant = await node.TenantAsync();

        var result = await Cli.RunAsync(node.Connect("agent", "show", "--tenant", tenant, "nobody"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("agent_not_found", result.Error, StringComparison.Ordinal);
    }

    private async Task<string> RegisteredAsync(string agentId)
    {
        var tenant = await node.TenantAsync();
        await node.Admin.RegisterAgentAsync(tenant, agentId, new AgentRegistration
        {
            Name = agentId,
            Type = "summarizer",
            Capabilities = [new Capability("summarize", 4.5)],
            MaxConcurrency = 2,
        });
        return tenant;
    }
}
