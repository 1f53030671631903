// Load for one GET: CONCURRENCY loops over one HttpClient for SECONDS after a warm-up of the same length; prints requests/s,
// latency percentiles, answers that were not 200, how many answers each node made (X-AgentMesh-Node), and for each PID
// given the CPU time (user + system, from /proc) that process spent per measured request.
//   dotnet run bench/read-load.cs -- URL KEY CONCURRENCY SECONDS [PID...]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;

var (url, key, concurrency, seconds) = (args[0], args[1], int.Parse(args[2]), double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false });
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
var pids = args.Skip(4).ToArray();
await RunAsync(TimeSpan.FromSeconds(seconds));
var before = pids.Select(CpuTicks).ToArray();
var (count, failed, latencies, nodes, elapsed) = await RunAsync(TimeSpan.FromSeconds(seconds));
var spent = pids.Select((pid, i) => CpuTicks(pid) - before[i]).ToArray();
latencies.Sort();
double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
var hz = 100.0; // USER_HZ, the unit of /proc/PID/stat times on Linux
Console.WriteLine($"{count / elapsed.TotalSeconds:F0} requests/s, p50 {P(0.50):F2} ms, p99 {P(0.99):F2} ms, {failed} not 200, answered by {string.Join(", ", nodes.Select(n => $"{n.Key} {n.Value}"))}"
    + string.Concat(pids.Select((pid, i) => $"; pid {pid} {spent[i] / hz * 1e6 / count:F0} µs CPU per request")));

static long CpuTicks(string pid)
{
    var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return long.Parse(fields[11]) + long.Parse(fields[12]); // utime and stime, fields 14 and 15 of the line
}

async Task<(long, long, List<double>, ConcurrentDictionary<string, long>, TimeSpan)> RunAsync(TimeSpan length)
{
    long count = 0, failed = 0;
    var latencies = new ConcurrentBag<List<double>>();
    var nodes = new ConcurrentDictionary<string, long>();
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        var mine = new List<double>();
        while (clock.Elapsed < length)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(url);
            await response.Content.LoadIntoBufferAsync();
            mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Interlocked.Increment(ref count);
            if ((int)response.StatusCode != 200)
            {
                Interlocked.Increment(ref failed);
            }

            var node = response.Headers.TryGetValues("X-AgentMesh-Node", out var values) ? values.First() : "-";
            nodes.AddOrUpdate(node, 1, static (_, n) => n + 1);
        }

        latencies.Add(mine);
    })));
    return (count, failed, latencies.SelectMany(static l => l).ToList(), nodes, clock.Elapsed);
}
