using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AgentMesh.TestKit.Syslog;

/// <summary>
/// A real rsyslogd on a random loopback port, receiving RFC 5424 over TCP into a file of its own
/// (<c>MSGID|STRUCTURED-DATA|MSG</c> per line). Missing binary: the test fails when <c>CI=true</c>, else it is skipped.
/// </summary>
public sealed class RsyslogServer : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/rsyslogd";

    private readonly Process _process;
    private readonly string _folder;

    private RsyslogServer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    private string OutputPath => Path.Combine(_folder, "received.log");

    public static async Task<RsyslogServer> StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Binary))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail($"{Binary} is missing (install the rsyslog package).");
            }

            Assert.Skip($"{Binary} is missing (install the rsyslog package).");
        }

        var folder = Path.Combine(Path.GetTempPath(), "agentmesh-rsyslog", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = FreePort();
        var config = Path.Combine(folder, "rsyslog.conf");
        await File.WriteAllTextAsync(config, $$"""
            global(workDirectory="{{folder}}")
            module(load="imtcp")
            template(name="received" type="string" string="%msgid%|%structured-data%|%msg%\n")
            ruleset(name="received") {
              action(type="omfile" file="{{Path.Combine(folder, "received.log")}}" template="received")
            }
            input(type="imtcp" port="{{port}}" address="127.0.0.1" ruleset="received")
            """, cancellationToken);
        var process = Process.Start(new ProcessStartInfo(Binary, ["-n", "-f", config, "-i", Path.Combine(folder, "rsyslogd.pid")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("rsyslogd did not start.");
        var server = new RsyslogServer(process, folder, port);
        try
        {
            await server.WaitUntilListeningAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages were written, and returns every line.</summary>
    public async Task<IReadOnlyList<string>> WaitForMessagesAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var lines = File.Exists(OutputPath) ? await File.ReadAllLinesAsync(OutputPath, cancellationToken) : [];
            if (lines.Length >= count || deadline.Elapsed > timeout)
            {
                return lines;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"rsyslogd exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync(cancellationToken)}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new TimeoutException($"rsyslogd did not listen on port {Port} within 10 s.");
    }
}
