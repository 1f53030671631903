using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AgentMesh.TestKit.Services;

/// <summary>What the fixtures that run a server from the machine's packages share: finding it, a port, signals, clean-up.</summary>
internal static class LocalService
{
    /// <summary>True on CI, where a missing server fails its tests instead of skipping them.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A loopback port nothing listens on at the moment.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The program <paramref name="name"/> on PATH or in one of <paramref name="folders"/>, or null.</summary>
    public static string? FindBinary(string name, IEnumerable<string> folders) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(folders)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Sends <c>SIG<paramref name="signal"/></c> (e.g. STOP, CONT, TERM) to the process and waits for kill to finish.</summary>
    public static void Signal(Process process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not run kill.");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {process.Id} exited with {kill.ExitCode}.");
        }
    }

    /// <summary>Kills the server (SIGKILL; a paused one too) with its children, waits for it to exit, and disposes of it.</summary>
    public static void Kill(Process? process)
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    /// <summary>Kills the server as <see cref="Kill"/> does, and removes its folder as far as it can.</summary>
    public static void KillAndRemove(Process? process, string folder)
    {
        Kill(process);

        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
    }
}
