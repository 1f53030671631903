namespace AgentMesh.Cli.Tests;

public sealed class UsageTests
{
    [Fact]
    public async Task TenantList_UnreachableUrl_ExitsThreeNamingTheUrl()
    {
        var result = await Cli.RunAsync("tenant", "list", "--url", "http://127.0.0.1:1", "--key", "amk_x");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("http://127.0.0.1:1", result.Error, StringComparison.Ordinal);
        Assert.Contains("--url", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Group_WithoutSubcommand_ExitsTwo()
    {
        var result = await Cli.RunAsync("task");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("submit", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_UnknownOption_ExitsTwo()
    {
        var result = await Cli.RunAsync("tenant", "list", "--bogus", "--url", "http://127.0.0.1:1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--bogus", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_InputAndInputFile_ExitsTwo()
    {
        var result = await Cli.RunAsync("task", "submit", "--tenant", "t1", "--type", "x", "--input", "{}", "--input-file", "in.json", "--url", "http://127.0.0.1:1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not both", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_MalformedLabel_ExitsTwo()
    {
        var result = await Cli.RunAsync("task", "submit", "--tenant", "t1", "--type", "x", "--label", "novalue", "--url", "http://127.0.0.1:1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("key=value", result.Error, StringComparison.Ordinal);
    }
}
