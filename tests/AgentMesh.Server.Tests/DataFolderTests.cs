using AgentMesh.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Server.Tests;

/// <summary>The data folder holds the databases and keys: a node makes it its user's alone, and says when others can open it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class DataFolderTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public async Task Node_NewDataFolder_IsCreatedForItsUserAloneAndNoWarningIsLogged()
    {
        var parent = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        var data = Path.Combine(parent, "data");
        try
        {
            var logs = await BuildAsync(data);

            Assert.Equal(OwnerOnly, File.GetUnixFileMode(data));
            Assert.DoesNotContain(logs.Lines, static line => line.Contains("[2002]", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Fact]
    public async Task Node_ExistingDataFolderOpenToOthers_KeepsItsModeAndWarnsNamingIt()
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        const UnixFileMode open = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(data, open);
        try
        {
            var logs = await BuildAsync(data);

            Assert.Equal(open, File.GetUnixFileMode(data));
            var warning = Assert.Single(logs.Lines, static line => line.Contains("[2002]", StringComparison.Ordinal));
            Assert.StartsWith("Warning", warning, StringComparison.Ordinal);
            Assert.Contains(Path.GetFullPath(data), warning, StringComparison.Ordinal);
            Assert.Contains("mode 755", warning, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<CapturedLogs> BuildAsync(string data)
    {
        var logs = new CapturedLogs();
        await using var app = AgentMeshNode.Build(
            ["--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data],
            builder => builder.Logging.AddProvider(logs));
        return logs;
    }
}
