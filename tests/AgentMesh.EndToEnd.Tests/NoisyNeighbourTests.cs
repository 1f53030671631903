using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>
/// One tenant floods the node far past its quota while another sends its usual steady stream. The flood is 64 clients
/// each sending 10 submissions a second whatever they are answered: 640 requests/s, 32 times the noisy tenant's quota,
/// which its rate limit refuses (and its bulkhead of 4 permits without a queue caps what gets through). The quiet
/// tenant's latency is measured in many short windows, alone and under the flood in turn (solo-flooded, then
/// flooded-solo), so that the machine's own noise — other work on its cores, and a disk whose syncs now and then take
/// hundreds of milliseconds — falls on both alike. See docs/operations.md ("Bulkheads").
/// </summary>
public sealed class NoisyNeighbourTests
{
    private const int NoisyRequestsPerSecond = 20;
    private const int FloodClients = 64;
    private const int FloodPerClientPerSecond = 10;
    private const int Rounds = 10;
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1.5);

    // At most 667 requests/s: below the quiet key's own rate limit (1,000/s), however fast the node answers.
    private static readonly TimeSpan PairInterval = TimeSpan.FromMilliseconds(3);
    private static readonly string[] SubmitterRole = ["submitter"];
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"echo","input":{"n":1},"requirements":[{"capability":"echo"}]}""");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TenantFloodingFarPastItsQuota_IsRefusedWith429_WhileAnotherTenantsMedianAndP99StayWithinTwiceTheirSoloValues()
    {
        await using var mesh = await MeshUnderTest.StartAsync(
            "--AgentMesh:Bulkheads:PermitsPerTenant", "4",
            "--AgentMesh:Bulkheads:QueueLimitPerTenant", "0");
        using var admin = Client(mesh.Url, mesh.AdminKey, connections: 1);
        using var quiet = Client(mesh.Url, await TenantKeyAsync(admin, "quiet", requestsPerSecond: 10_000), connections: 1);
        using var noisy = Client(mesh.Url, await TenantKeyAsync(admin, "noisy", NoisyRequestsPerSecond), connections: FloodClients);

        // Warm-up, not measured: both paths compiled and every connection open.
        await StreamAsync(quiet, Window);
        using (var warmUp = new Flood(noisy))
        {
            await StreamAsync(quiet, Window);
            await warmUp.StopAsync();
        }

        var solo = new List<List<double>>();
        var flooded = new List<List<double>>();
        var floods = new List<Flood.Tally>();
        var flooding = Stopwatch.StartNew();
        for (var round = 0; round < Rounds; round++)
        {
            for (var half = 0; half < 2; half++)
            {
                if (half == round % 2)
                {
                    await Task.Delay(Settle, Cancellation);
                    solo.Add(await StreamAsync(quiet, Window));
                    continue;
                }

                using var flood = new Flood(noisy);
                await Task.Delay(Settle, Cancellation);
                flooded.Add(await StreamAsync(quiet, Window));
                floods.Add(await flood.StopAsync());
            }
        }

        flooding.Stop();
        var (alone, underFlood) = (solo.SelectMany(static w => w).ToList(), flooded.SelectMany(static w => w).ToList());
        var (soloP50, soloP99) = (Percentile(alone, 0.5), Percentile(alone, 0.99));
        var (floodedP50, floodedP99) = (Percentile(underFlood, 0.5), Percentile(underFlood, 0.99));

        // How far p99 moves between solo windows alone (even rounds against odd ones), with no flood at all.
        var soloSpread = Percentile(solo.Where(static (_, i) => i % 2 == 0).SelectMany(static w => w), 0.99)
            / Percentile(solo.Where(static (_, i) => i % 2 == 1).SelectMany(static w => w), 0.99);
        var sent = floods.Sum(static f => f.Sent);
        var refused = floods.Sum(static f => f.Refused);
        var admitted = sent - refused - floods.Sum(static f => f.Other);
        var figures = $"quiet tenant, {alone.Count} requests solo, {underFlood.Count} flooded: p50 {soloP50:F2} ms solo, {floodedP50:F2} ms flooded ({floodedP50 / soloP50:F2}x); "
            + $"p99 {soloP99:F1} ms solo, {floodedP99:F1} ms flooded ({floodedP99 / soloP99:F2}x; solo windows against each other {soloSpread:F2}x); "
            + $"flood: {sent} requests in {flooding.Elapsed.TotalSeconds:F1} s, {refused} refused with 429, {admitted} admitted, {floods.Sum(static f => f.Other)} other";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);

        Assert.Equal(0, floods.Sum(static f => f.Other));
        Assert.True(refused > sent * 0.75, figures);

        // The tenant's bucket: its rate over the whole time, plus what a full bucket holds (2 s of it).
        Assert.True(admitted <= NoisyRequestsPerSecond * (flooding.Elapsed.TotalSeconds + 2) + 1, figures);
        Assert.True(floodedP50 <= 2 * soloP50, figures);
        Assert.True(floodedP99 <= 2 * soloP99, figures);
    }

    /// <summary>Creates the tenant with the given request quota and a submitter key of its own; answers the key.</summary>
    private static async Task<string> TenantKeyAsync(HttpClient admin, string tenant, int requestsPerSecond)
    {
        using var created = await admin.PostAsJsonAsync(
            "/v1/tenants", new { id = tenant, name = tenant, quotas = new { maxAgents = 10, maxPendingTasks = 1_000_000, requestsPerSecond } }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var key = await admin.PostAsJsonAsync($"/v1/tenants/{tenant}/keys", new { name = tenant, roles = SubmitterRole }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        return (string)(await key.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["key"]!;
    }

    private static HttpClient Client(Uri url, string key, int connections)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return http;
    }

    private static ByteArrayContent Submission()
    {
        var content = new ByteArrayContent(Body);
        content.Headers.ContentType = new("application/json");
        return content;
    }

    /// <summary>
    /// The quiet tenant's steady stream: for <paramref name="window"/>, one after the other, submit a task and read it
    /// back, a pair every <see cref="PairInterval"/> at most. Answers each request's latency in milliseconds; every
    /// request must succeed.
    /// </summary>
    private static async Task<List<double>> StreamAsync(HttpClient quiet, TimeSpan window)
    {
        var latencies = new List<double>();
        var opened = Stopwatch.GetTimestamp();
        for (var pair = 1; Stopwatch.GetElapsedTime(opened) < window; pair++)
        {
            var started = Stopwatch.GetTimestamp();
            using var submitted = await quiet.PostAsync("/v1/tenants/quiet/tasks", Submission(), Cancellation);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
            var id = (string)(await submitted.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["id"]!;

            started = Stopwatch.GetTimestamp();
            using var read = await quiet.GetAsync($"/v1/tenants/quiet/tasks/{id}", Cancellation);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            if (pair * PairInterval - Stopwatch.GetElapsedTime(opened) is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait, Cancellation);
            }
        }

        return latencies;
    }

    private static double Percentile(IEnumerable<double> samples, double quantile)
    {
        var sorted = samples.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)];
    }

    /// <summary>
    /// <see cref="FloodClients"/> clients submitting for the noisy tenant, each <see cref="FloodPerClientPerSecond"/>
    /// times a second whatever it is answered (<c>Retry-After</c> ignored) until stopped: together many times the
    /// tenant's quota. It counts what it was answered.
    /// </summary>
    private sealed class Flood : IDisposable
    {
        private static readonly TimeSpan Period = TimeSpan.FromSeconds(1.0 / FloodPerClientPerSecond);
        private readonly HttpClient _http;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _clients;
        private readonly ConcurrentDictionary<int, int> _statuses = new();

        public Flood(HttpClient http)
        {
            _http = http;
            _clients = [.. Enumerable.Range(0, FloodClients).Select(_ => Task.Run(LoopAsync))];
        }

        public async Task<Tally> StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_clients).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var total = _statuses.Values.Sum();
            var refused = _statuses.GetValueOrDefault(429);
            return new Tally(total, refused, total - refused - _statuses.GetValueOrDefault(201));
        }

        public void Dispose() => _stop.Dispose();

        // Each client starts at its own point of the period, as independent clients would: not all 64 at once.
        private async Task LoopAsync()
        {
            var started = Stopwatch.GetTimestamp();
            for (var n = 0; !_stop.IsCancellationRequested; n++)
            {
                try
                {
                    if ((n + Random.Shared.NextDouble()) * Period - Stopwatch.GetElapsedTime(started) is { Ticks: > 0 } wait)
                    {
                        await Task.Delay(wait, _stop.Token);
                    }

                    using var response = await _http.PostAsync("/v1/tenants/noisy/tasks", Submission(), _stop.Token);
                    _statuses.AddOrUpdate((int)response.StatusCode, 1, static (_, count) => count + 1);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }

        /// <summary>Requests answered, refused with 429, and answered with anything but 201 or 429.</summary>
        public sealed record Tally(int Sent, int Refused, int Other);
    }
}
