using System.Text.Json;

namespace AgentMesh.Cli.Tests;

[Collection(SharedNode.Name)]
public sealed class TenantCommandTests(CliNode node)
{
    [Fact]
    public async Task Create_NewTenant_PrintsItAndExitsZero()
    {
        var id = "acme-" + Guid.NewGuid().ToString("N")[..8];

        var result = await Cli.RunAsync(node.Connect("tenant", "create", id, "--name", "Acme"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(id, result.Out, StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task Create_Json_PrintsTheNodesTenant()
    {
        var id = "json-" + Guid.NewGuid().ToString("N")[..8];

        var result = await Cli.RunAsync(node.Connect("tenant", "create", id, "--name", "Json Inc", "--json"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(id, result.Json().GetProperty("id").GetString());
        Assert.Equal("Json Inc", result.Json().GetProperty("name").GetString());
    }

    [Fact]
    public async Task List_Json_ParsesAndHoldsTheTenant()
    {
        var tenant = await node.TenantAsync();

        var result = await Cli.RunAsync(node.Connect("tenant", "list", "--json"));

        Assert.Equal(0, result.ExitCode);
        var ids = result.Json().GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString());
        Assert.Contains(tenant, ids);
    }

    [Fact]
    public async Task List_ForPeople_PrintsATable()
    {
        var tenant = await node.TenantAsync();

        var result = await Cli.RunAsync(node.Connect("tenant", "list"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(tenant, result.Out, StringComparison.Ordinal);
        Assert.Contains("STATUS", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_Existing_PrintsItsFields()
    {
        var tenant = await node.TenantAsync();

        var result = await Cli.RunAsync(node.Connect("tenant", "show", tenant));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(tenant, result.Out, StringComparison.Ordinal);
        Assert.Contains("active", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnknownTenant_ExitsOneWithTheProblemCode()
    {
        var result = await Cli.RunAsync(node.Connect("tenant", "show", "no-such-tenant"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("tenant_not_found", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Show_FoundThroughTheDataFolder_UsesNodeUrlAndAdminKey()
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Combine(data, "node.url"), node.Url, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(data, "admin.key"), node.AdminKey, TestContext.Current.CancellationToken);
        var tenant = await node.TenantAsync();

        var result = Environment.GetEnvironmentVariable("AGENTMESH_URL") is null && Environment.GetEnvironmentVariable("AGENTMESH_API_KEY") is null
            ? await Cli.RunAsync("tenant", "show", tenant, "--data", data, "--json")
            : await Cli.RunAsync(node.Connect("tenant", "show", tenant, "--json"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(JsonValueKind.Object, result.Json().ValueKind);
        Directory.Delete(data, recursive: true);
    }
}
