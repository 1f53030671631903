using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace AgentMesh.TestKit.Services;

/// <summary>
/// A real Prometheus server (<c>/usr/bin/prometheus</c>) on a free loopback port with its TSDB in a temporary
/// folder, scraping the given targets every second. Start one per test with <see cref="StartAsync"/> and
/// dispose it at the end. When the binary is missing the test fails under <c>CI=true</c> and is skipped elsewhere.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly string[] SearchFolders = ["/usr/bin", "/usr/local/bin", "/usr/sbin"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "agentmesh-prometheus", Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http;
    private Process? _process;

    private PrometheusServer(int port)
    {
        Url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        _http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The server's own address: the HTTP API under <c>/api/v1</c>.</summary>
    public Uri Url { get; }

    /// <summary>The scrape job every target belongs to.</summary>
    public const string Job = "agentmesh";

    /// <summary>Skips the test (fails it on CI) when Prometheus is not installed.</summary>
    public static void Require()
    {
        if (LocalService.FindBinary("prometheus", SearchFolders) is null)
        {
            Assert.False(LocalService.IsCi, "prometheus is not installed (looked on PATH and in /usr/bin); CI needs it: apt-get install prometheus.");
            Assert.Skip("prometheus is not installed (apt-get install prometheus).");
        }
    }

    /// <summary>Starts a server that scrapes <c>/metrics</c> of every target (<c>http://host:port</c>) every second, and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(params Uri[] targets)
    {
        Require();
        var server = new PrometheusServer(LocalService.FreePort());
        try
        {
            await server.StartProcessAsync(LocalService.FindBinary("prometheus", SearchFolders)!, targets);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs an instant PromQL query and returns each series of the vector as its labels and value.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri($"api/v1/query?query={Uri.EscapeDataString(promql)}", UriKind.Relative), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Prometheus answered {(int)response.StatusCode} to '{promql}': {text}");
        }

        using var json = JsonDocument.Parse(text);
        var series = new List<(IReadOnlyDictionary<string, string>, double)>();
        foreach (var item in json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = item.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            var value = double.Parse(item.GetProperty("value")[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
            series.Add((labels, value));
        }

        return series;
    }

    /// <summary>Queries until <paramref name="done"/> holds for the answer; fails with the last answer after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> WaitForAsync(
        string promql, Func<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var answer = await QueryAsync(promql, cancellationToken);
            if (done(answer))
            {
                return answer;
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"'{promql}' did not reach the expected answer within {timeout}; last answer: "
                    + string.Join("; ", answer.Select(s => $"{{{string.Join(',', s.Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} {s.Value.ToString(CultureInfo.InvariantCulture)}")));
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        LocalService.KillAndRemove(_process, _folder);
        _process = null;
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task StartProcessAsync(string binary, Uri[] targets)
    {
        Directory.CreateDirectory(_folder);
        var config = Path.Combine(_folder, "prometheus.yml");
        var targetList = string.Join(", ", targets.Select(t => $"'{t.Authority}'"));
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: {Job}
                metrics_path: /metrics
                static_configs:
                  - targets: [{targetList}]
            """);
        var start = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(_folder, "data")}",
            $"--web.listen-address={Url.Authority}",
            "--storage.tsdb.retention.time=1h",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var output = new System.Text.StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with code {process.ExitCode} on start:\n{Read(output)}");
            }

            try
            {
                using var ready = await _http.GetAsync(new Uri("-/ready", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"prometheus was not ready on {Url} within {StartTimeout.TotalSeconds} s:\n{Read(output)}");
    }

    private static void Append(System.Text.StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Read(System.Text.StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

}
