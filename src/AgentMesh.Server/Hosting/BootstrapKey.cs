using AgentMesh.Engine;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Hosting;

/// <summary>
/// On first start, creates the system administrator key, prints it once and stores it in
/// <c>&lt;data&gt;/admin.key</c> with mode 0600, where the CLI finds it.
/// </summary>
internal sealed partial class BootstrapKey(MeshEngine engine, IOptions<NodeOptions> options, ILogger<BootstrapKey> logger) : IHostedService
{
    public const string FileName = "admin.key";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.CreateBootstrapKey)
        {
            return;
        }

        var key = await engine.EnsureBootstrapKeyAsync(cancellationToken);
        if (key is null)
        {
            return;
        }

        var path = Path.GetFullPath(Path.Combine(options.Value.DataPath, FileName));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new StreamWriter(path, fileOptions))
        {
            await file.WriteAsync(key.AsMemory(), cancellationToken);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Printed to the console on purpose, never logged: logs are shipped and kept, the console is the operator's.
        await Console.Out.WriteLineAsync($"AgentMesh admin key (shown once; saved to {path}):{Environment.NewLine}  {key}");
        LogBootstrapKeyCreated(logger, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Created the bootstrap admin key and saved it to {Path}")]
    private static partial void LogBootstrapKeyCreated(ILogger logger, string path);
}
