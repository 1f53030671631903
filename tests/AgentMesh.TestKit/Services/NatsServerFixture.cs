using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AgentMesh.TestKit.Services;

/// <summary>
/// A real <c>nats-server</c> with JetStream on a free loopback port and a temporary store folder. Use it as a
/// class fixture or start one per test with <see cref="StartNewAsync"/>. <see cref="StopAsync"/> and
/// <see cref="StartAsync"/> simulate an outage: the server comes back on the same port with the same store.
/// When the binary is missing the test fails under <c>CI=true</c> and is skipped elsewhere.
/// </summary>
public sealed class NatsServerFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly string[] SearchFolders = ["/usr/sbin", "/usr/local/bin", "/usr/bin"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "agentmesh-nats", Guid.NewGuid().ToString("N"));
    private readonly string? _binary = LocalService.FindBinary("nats-server", SearchFolders);
    private Process? _process;
    private int _port;

    /// <summary><c>nats://127.0.0.1:{port}</c>; skips the test when nats-server is not installed.</summary>
    public string Url
    {
        get
        {
            EnsureInstalled();
            return $"nats://127.0.0.1:{_port}";
        }
    }

    /// <summary>The JetStream store folder, kept across <see cref="StopAsync"/> and <see cref="StartAsync"/>.</summary>
    public string StoreDirectory => Path.Combine(_folder, "jetstream");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>A started server for one test; dispose it at the end of the test.</summary>
    public static async Task<NatsServerFixture> StartNewAsync()
    {
        var server = new NatsServerFixture();
        await server.InitializeAsync();
        server.EnsureInstalled();
        return server;
    }

    public async ValueTask InitializeAsync()
    {
        if (_binary is null)
        {
            if (LocalService.IsCi)
            {
                throw new InvalidOperationException("nats-server is not installed (looked on PATH and in /usr/sbin); CI needs it: apt-get install nats-server.");
            }

            return;
        }

        _port = LocalService.FreePort();
        await StartAsync();
    }

    /// <summary>Starts the server (again) on the same port and store folder, and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        EnsureInstalled();
        if (IsRunning)
        {
            return;
        }

        Directory.CreateDirectory(StoreDirectory);
        var start = new ProcessStartInfo(_binary!)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "-js", "-a", "127.0.0.1", "-p", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sd", StoreDirectory, "-l", Path.Combine(_folder, "nats-server.log") })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {_binary}.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilAcceptingAsync(process);
    }

    /// <summary>Stops the server gracefully (SIGTERM) and waits for it to exit; its store stays for <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        EnsureInstalled();
        if (_process is not { } process)
        {
            return;
        }

        if (!process.HasExited)
        {
            try
            {
                using var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
                if (signal is not null)
                {
                    await signal.WaitForExitAsync();
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }

        process.Dispose();
        _process = null;
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open but nothing is answered, as when its host hangs.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>Lets a paused server go on (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        EnsureInstalled();
        if (_process is not { HasExited: false } process)
        {
            throw new InvalidOperationException("nats-server is not running.");
        }

        await Task.Run(() => LocalService.Signal(process, signal));
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash would; <see cref="StartAsync"/> brings it back.</summary>
    public void Kill()
    {
        EnsureInstalled();
        LocalService.Kill(_process);
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        // A paused process takes SIGKILL too; nothing to resume first.
        LocalService.KillAndRemove(_process, _folder);
        _process = null;
        return ValueTask.CompletedTask;
    }

    private void EnsureInstalled()
    {
        if (_binary is null)
        {
            Assert.False(LocalService.IsCi, "nats-server is not installed (looked on PATH and in /usr/sbin); CI needs it: apt-get install nats-server.");
            Assert.Skip("nats-server is not installed (apt-get install nats-server).");
        }
    }

    private async Task WaitUntilAcceptingAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nats-server exited with code {process.ExitCode} on start; see {Path.Combine(_folder, "nats-server.log")}.");
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, _port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(25);
            }
        }

        throw new TimeoutException($"nats-server did not accept connections on port {_port} within {StartTimeout.TotalSeconds} s.");
    }

}
