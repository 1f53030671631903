using AgentMesh.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;

namespace AgentMesh.Server.Tests;

/// <summary>
/// A node re-reads appsettings.json when it changes, without watching the folder it runs in: that folder holds the
/// data folder by default, and a watcher of the whole tree would wake on every database write.
/// </summary>
public class SettingsFilesTests
{
    [Fact]
    public async Task SettingsFileChanged_IsReadAgainWithoutARestart_ByPollingTheFileAlone()
    {
        var root = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var settings = Path.Combine(root, "appsettings.json");
        await File.WriteAllTextAsync(settings, """{ "Probe": "before" }""", TestContext.Current.CancellationToken);
        try
        {
            await using var app = AgentMeshNode.Build(["--contentRoot", root, "--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", Path.Combine(root, "data")]);
            var configuration = (IConfigurationRoot)app.Services.GetRequiredService<IConfiguration>();
            Assert.Equal("before", configuration["Probe"]);

            var files = configuration.Providers.OfType<FileConfigurationProvider>()
                .Where(static p => p.Source.Path?.StartsWith("appsettings", StringComparison.Ordinal) == true).ToList();
            Assert.NotEmpty(files);
            // Polled, not watched through inotify on the whole folder (UsePollingFileWatcher reads false once the watcher exists).
            Assert.All(files, static p => Assert.True(p.Source.FileProvider is PhysicalFileProvider { UseActivePolling: true }, p.Source.Path));

            await File.WriteAllTextAsync(settings, """{ "Probe": "after" }""", TestContext.Current.CancellationToken);
            File.SetLastWriteTimeUtc(settings, DateTime.UtcNow.AddSeconds(2));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (configuration["Probe"] != "after" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }

            Assert.Equal("after", configuration["Probe"]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
