using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AgentMesh.TestKit.Services;

/// <summary>
/// A real PostgreSQL server from the machine's packages (<c>initdb</c> and <c>pg_ctl</c>), in a temporary
/// folder, listening on a random loopback port; created once per test assembly or collection and removed on
/// dispose. Each test asks for its own empty database, owned by a role that is not a superuser (so
/// row-level security applies to it). Durability settings are relaxed for speed (<c>fsync=off</c>): the tests
/// kill nodes and this server's process, never the machine. When the binaries are missing the fixture
/// reports it through <see cref="Require"/>: a failure on CI, a skip elsewhere.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>The role every test database belongs to; the node connects as it.</summary>
    public const string Role = "agentmesh";

    private const string RunAs = "postgres";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "agentmesh-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private string? _bin;
    private string? _unavailable;
    private int _databases;

    public int Port { get; private set; }

    /// <summary>The superuser's connection string, for the fixture's own work and for tests that tamper.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    public async ValueTask InitializeAsync()
    {
        _bin = FindBinaries();
        if (_bin is null)
        {
            _unavailable = "PostgreSQL's server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql";
            return;
        }

        Directory.CreateDirectory(_folder);
        Port = FreePort();
        var data = Path.Combine(_folder, "data");
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", $"{RunAs}:{RunAs}", _folder]);
        }

        await RunAsPostgresAsync(Path.Combine(_bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
        await StartAsync();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE ROLE {Role} LOGIN NOSUPERUSER NOBYPASSRLS", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Fails the test on CI, skips it elsewhere, when the server could not be provided.</summary>
    public void Require()
    {
        if (_unavailable is null)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(_unavailable);
        }

        Assert.Skip(_unavailable);
    }

    /// <summary>A new, empty database owned by <see cref="Role"/>; returns the connection string the node uses.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        Require();
        var name = $"mesh_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name} OWNER {Role}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>The same database as <paramref name="connectionString"/>, as the superuser (row-level security does not apply): for checks that must not depend on the node.</summary>
    public static string AsSuperuser(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = "postgres", Pooling = false }.ConnectionString;

    /// <summary>The connection string of <see cref="Role"/> to <paramref name="database"/>.</summary>
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username={Role};Database={database}";

    /// <summary>Starts the server (again), on the same port and data.</summary>
    public async Task StartAsync()
    {
        var options = string.Join(
            ' ',
            $"-p {Port}",
            "-c listen_addresses=127.0.0.1",
            $"-c unix_socket_directories={_folder}",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=200",
            "-c shared_buffers=128MB");
        await RunAsPostgresAsync(Path.Combine(_bin!, "pg_ctl"), ["-D", Path.Combine(_folder, "data"), "-l", Path.Combine(_folder, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
    }

    /// <summary>Stops the server the way an operator does (fast shutdown: connections are closed).</summary>
    public Task StopAsync() =>
        RunAsPostgresAsync(Path.Combine(_bin!, "pg_ctl"), ["-D", Path.Combine(_folder, "data"), "-m", "fast", "-w", "-t", "60", "stop"]);

    /// <summary>
    /// Freezes the server and every backend (SIGSTOP to the postmaster, then to each of its children): connections
    /// stay open and new ones are accepted by the kernel, but nothing answers, as when the database host hangs.
    /// </summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>Lets a paused server go on (SIGCONT), with every connection it had.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        Require();
        var postmaster = int.Parse((await File.ReadAllLinesAsync(Path.Combine(_folder, "data", "postmaster.pid")))[0].Trim(), CultureInfo.InvariantCulture);

        // Every server process calls setsid(), so there is no process group to signal: the postmaster first (it forks
        // no more backends once stopped), then each of its children by id.
        await RunAsync("kill", [$"-{signal}", postmaster.ToString(CultureInfo.InvariantCulture)]);
        var children = Children(postmaster).Select(static pid => pid.ToString(CultureInfo.InvariantCulture)).ToList();
        if (children.Count > 0)
        {
            try
            {
                await RunAsync("kill", [$"-{signal}", .. children]);
            }
            catch (InvalidOperationException)
            {
                // A backend that exited since it was listed; kill still signalled every other one.
            }
        }
    }

    private static List<int> Children(int parent)
    {
        var children = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }

        return children;
    }

    public async ValueTask DisposeAsync()
    {
        if (_bin is not null && File.Exists(Path.Combine(_folder, "data", "postmaster.pid")))
        {
            try
            {
                await SignalAsync("CONT");
            }
            catch (InvalidOperationException)
            {
            }
        }

        if (_bin is not null && File.Exists(Path.Combine(_folder, "data", "postmaster.pid")))
        {
            try
            {
                await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "-t", "30", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string? FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable("AGENTMESH_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "pg_ctl")) ? configured : null;
        }

        const string Debian = "/usr/lib/postgresql";
        if (Directory.Exists(Debian))
        {
            var newest = Directory.GetDirectories(Debian)
                .Select(static d => (Path: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(static d => File.Exists(Path.Combine(d.Path, "pg_ctl")))
                .OrderByDescending(static d => d.Version)
                .FirstOrDefault();
            if (newest.Path is not null)
            {
                return newest.Path;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(static d => File.Exists(Path.Combine(d, "pg_ctl")) && File.Exists(Path.Combine(d, "initdb")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // initdb and postgres refuse to run as root: as root, run them as the packages' postgres user.
    private static Task RunAsPostgresAsync(string program, IReadOnlyList<string> arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", RunAs, "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }
}
