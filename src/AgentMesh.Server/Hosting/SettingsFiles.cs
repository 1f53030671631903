using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace AgentMesh.Server.Hosting;

/// <summary>
/// <c>appsettings.json</c> (and <c>appsettings.{environment}.json</c>) are re-read when they change, as in any ASP.NET
/// Core app, but watched by polling those files alone. The default watches the whole content root with inotify — and the
/// content root is the working directory, which holds the data folder (<c>./data</c>) by default, so every write of the
/// databases woke a thread to look at it: about a tenth of the node's CPU when each task is a request of its own.
/// </summary>
internal static class SettingsFiles
{
    /// <summary>Tells the host to add its settings files without a watcher of its own; <see cref="WatchByPolling"/> puts reloading back.</summary>
    public const string NoTreeWatch = "--hostBuilder:reloadConfigOnChange=false";

    /// <summary>Replaces the host's settings-file sources with the same files, reloaded on change by polling them (every 4 s).</summary>
    /// <returns>The file provider that polls; dispose it when the node stops.</returns>
    public static PhysicalFileProvider WatchByPolling(WebApplicationBuilder builder)
    {
        var files = new PhysicalFileProvider(builder.Environment.ContentRootPath) { UsePollingFileWatcher = true, UseActivePolling = true };
        var sources = builder.Configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path } json && path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            {
                sources[i] = new JsonConfigurationSource { Path = path, Optional = json.Optional, ReloadOnChange = true, FileProvider = files };
            }
        }

        return files;
    }
}
