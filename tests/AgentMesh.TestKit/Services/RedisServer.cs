using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AgentMesh.TestKit.Services;

/// <summary>
/// A real <c>redis-server</c> from the machine's packages on a random loopback port, its working folder a temporary
/// one, without persistence (<c>--save ''</c>, no append-only file) unless <see cref="StartNewAsync"/> asks for
/// snapshots on stop. <see cref="StopAsync"/> and <see cref="StartAsync"/> simulate an outage (same port);
/// <see cref="Pause"/> and <see cref="Resume"/> freeze the process (SIGSTOP/SIGCONT): connections stay open but
/// nothing answers; <see cref="Kill"/> crashes it (SIGKILL), losing every key. When the binary is missing
/// <see cref="Require"/> fails the test on CI and skips it elsewhere.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly string[] SearchFolders = ["/usr/bin", "/usr/sbin", "/usr/local/bin"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "agentmesh-redis-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string? _binary = LocalService.FindBinary("redis-server", SearchFolders);
    private Process? _process;
    private bool _paused;
    private bool _persistent;

    public int Port { get; private set; }

    /// <summary>The StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6390</c>.</summary>
    public string ConnectionString
    {
        get
        {
            Require();
            return $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";
        }
    }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>A started server for one test; dispose it at the end of the test.</summary>
    public static async Task<RedisServer> StartNewAsync(bool persistent = false)
    {
        var server = new RedisServer { _persistent = persistent };
        await server.InitializeAsync();
        server.Require();
        return server;
    }

    public async ValueTask InitializeAsync()
    {
        if (_binary is null)
        {
            return;
        }

        Directory.CreateDirectory(_folder);
        Port = LocalService.FreePort();
        await StartAsync();
    }

    /// <summary>Fails the test on CI, skips it elsewhere, when redis-server is not installed.</summary>
    public void Require()
    {
        if (_binary is not null)
        {
            return;
        }

        const string Missing = "redis-server is not installed (looked on PATH and in /usr/bin): apt-get install redis-server";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(Missing);
        }

        Assert.Skip(Missing);
    }

    /// <summary>Starts the server (again) on the same port and folder, and waits until it answers <c>PING</c>.</summary>
    public async Task StartAsync()
    {
        Require();
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo(_binary!)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _folder,
        };
        string[] arguments =
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", _folder,
            "--save", _persistent ? "3600 1" : "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--protected-mode", "yes",
            "--logfile", Path.Combine(_folder, "redis-server.log"),
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {_binary}.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _paused = false;
        await WaitUntilAnsweringAsync(process);
    }

    /// <summary>Stops the server (SIGTERM; with persistence it saves first) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        Require();
        if (_process is not { } process)
        {
            return;
        }

        if (_paused)
        {
            Resume();
        }

        if (!process.HasExited)
        {
            LocalService.Signal(process, "TERM");
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

    /// <summary>Crashes the server (SIGKILL): no shutdown, no save, connections drop; <see cref="StartAsync"/> starts it again on the same port.</summary>
    public void Kill()
    {
        Require();
        LocalService.Kill(_process);
        _process = null;
        _paused = false;
    }

    /// <summary>The number of keys the server holds (<c>DBSIZE</c>).</summary>
    public async Task<long> KeyCountAsync()
    {
        Require();
        var reply = await SendAsync("DBSIZE\r\n"u8.ToArray());
        return reply.StartsWith(':') ? long.Parse(reply.AsSpan(1).Trim(), CultureInfo.InvariantCulture) : throw new InvalidOperationException($"DBSIZE answered '{reply}'.");
    }

    /// <summary>Freezes the server (SIGSTOP): it keeps its connections but answers nothing until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        Require();
        if (_process is { HasExited: false } process && !_paused)
        {
            LocalService.Signal(process, "STOP");
            _paused = true;
        }
    }

    /// <summary>Lets a paused server go on (SIGCONT).</summary>
    public void Resume()
    {
        Require();
        if (_process is { HasExited: false } process && _paused)
        {
            LocalService.Signal(process, "CONT");
            _paused = false;
        }
    }

    public ValueTask DisposeAsync()
    {
        LocalService.KillAndRemove(_process, _folder);
        _process = null;
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilAnsweringAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        var ping = "PING\r\n"u8.ToArray();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} on start; see {Path.Combine(_folder, "redis-server.log")}.");
            }

            try
            {
                if ((await SendAsync(ping)).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }
            catch (IOException)
            {
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"redis-server did not answer on port {Port} within {StartTimeout.TotalSeconds} s.");
    }

    /// <summary>Sends one inline command on a new connection and answers the first line of the reply.</summary>
    private async Task<string> SendAsync(byte[] command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        await stream.WriteAsync(command);
        var answer = new byte[64];
        var read = await stream.ReadAsync(answer);
        return System.Text.Encoding.ASCII.GetString(answer, 0, read).Split("\r\n")[0];
    }
}
