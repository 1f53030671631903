namespace AgentMesh.Cli.Tests;

[Collection(SharedNode.Name)]
public sealed class KeyCommandTests(CliNode node)
{
    [Fact]
    public async Task Create_ForPeople_PrintsASecretThatWorks()
    {
        var tenant = await node.TenantAsync();

        var created = await Cli.RunAsync(node.Connect("key", "create", "--tenant", tenant, "--name", "reader", "--role", "viewer"));
        var secret = created.Out.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("amk_", StringComparison.Ordinal));
        var shown = await Cli.RunAsync("tenant", "show", tenant, "--url", node.Url, "--key", secret);

        Assert.Equal(0, created.ExitCode);
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains(tenant, shown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Json_ReturnsTheKeyWithItsRoles()
    {
        var tenant = await node.TenantAsync();

        var result = await Cli.RunAsync(node.Connect("key", "create", "--tenant", tenant, "--name", "ops", "--role", "operator", "--role", "submitter", "--json"));

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("amk_", result.Json().GetProperty("key").GetString(), StringComparison.Ordinal);
        Assert.Equal(["operator", "submitter"], result.Json().GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Revoke_CreatedKey_StopsItFromWorking()
    {
        var tenant = await node.TenantAsync();
        var created = (await Cli.RunAsync(node.Connect("key", "create", "--tenant", tenant, "--name", "temp", "--role", "viewer", "--json"))).Json();

        var revoked = await Cli.RunAsync(node.Connect("key", "revoke", "--tenant", tenant, created.GetProperty("id").GetString()!));
        var listed = await Cli.RunAsync(node.Connect("key", "list", "--tenant", tenant, "--json"));
        var refused = await Cli.RunAsync("tenant", "show", tenant, "--url", node.Url, "--key", created.GetProperty("key").GetString()!);

        Assert.Equal(0, revoked.ExitCode);
        Assert.Equal(0, listed.ExitCode);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("unauthenticated", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnknownRole_ExitsTwo()
    {
        var result = await Cli.RunAsync(node.Connect("key", "create", "--tenant", "whatever", "--name", "x", "--role", "wizard"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("wizard", result.Error, StringComparison.Ordinal);
    }
}
