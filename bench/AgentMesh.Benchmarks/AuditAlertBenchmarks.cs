using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AgentMesh.Server.Hosting;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Benchmarks;

/// <summary>
/// How soon an alert on a sensitive action reaches its webhook: a node with the default alert rules creates a key
/// over HTTP (<c>key.create</c>), and the operation ends either with the node's answer or once the signed alert has
/// arrived at a receiver on loopback. The same request on a node without alerts is the baseline; the rest of the
/// waiting operation is the alert's own delay: storing the entry, the rules, signing and the webhook post.
/// </summary>
[Config(typeof(PercentilesConfig))]
public class AuditAlertBenchmarks : IAsyncDisposable
{
    private const int WarmUpRequests = 2000;
    private const string Secret = "bench-alert-secret-of-at-least-32-bytes";
    private static readonly TimeSpan FirstAlertTimeout = TimeSpan.FromSeconds(10);

    // The documented bound: a run in which any alert arrives later than this after its request was sent fails.
    private static readonly TimeSpan AlertBound = TimeSpan.FromSeconds(1);
    private static readonly string[] Roles = ["operator"];
    private readonly string _folder = Directory.CreateTempSubdirectory("agentmesh-bench-").FullName;
    private AlertReceiver? _receiver;
    private WebApplication _node = null!;
    private HttpClient _admin = null!;
    private int _keys;

    [GlobalSetup(Target = nameof(CreateKeyWithoutAlerts))]
    public async Task SetupWithoutAlertsAsync()
    {
        await StartNodeAsync([]);
        await WarmUpAsync();
    }

    [GlobalSetup(Targets = [nameof(CreateKey), nameof(CreateKeyUntilAlerted)])]
    public async Task SetupAsync()
    {
        _receiver = await AlertReceiver.StartAsync(Secret, CancellationToken.None);
        await StartNodeAsync(["--AgentMesh:Audit:Alerts:Url", _receiver.Url.ToString(), "--AgentMesh:Audit:Alerts:Secret", Secret]);
        await ExpectAlertAsync("tenant.create", FirstAlertTimeout);
        await WarmUpAsync();
    }

    [GlobalCleanup]
    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _node.StopAsync();
        await _node.DisposeAsync();
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "POST key, node without alerts")]
    public Task CreateKeyWithoutAlerts() => PostKeyAsync();

    [Benchmark(Description = "POST key, until the node answers")]
    public Task CreateKey() => PostKeyAsync();

    [Benchmark(Description = "POST key, until its signed alert arrives")]
    public async Task CreateKeyUntilAlerted()
    {
        var sent = Stopwatch.GetTimestamp();
        await PostKeyAsync();
        var left = AlertBound - Stopwatch.GetElapsedTime(sent);
        await ExpectAlertAsync("key.create", left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    private async Task StartNodeAsync(string[] alerts)
    {
        _node = AgentMeshNode.Build(
        [
            "--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", _folder, "--Logging:LogLevel:Default", "Warning",
            "--AgentMesh:RateLimits:Enabled", "false", .. alerts,
        ]);
        await _node.StartAsync(CancellationToken.None);
        var address = _node.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var adminKey = (await File.ReadAllTextAsync(Path.Combine(_folder, "admin.key"))).Trim();
        _admin = new HttpClient { BaseAddress = new Uri(address) };
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var tenant = await _admin.PostAsJsonAsync("/v1/tenants", new { id = "acme", name = "Acme" });
        tenant.EnsureSuccessStatusCode();
    }

    // In-process, the case that runs first would otherwise also pay for compiling the node's request path to its
    // final tier; the same requests before every case keep the cases comparable.
    private async Task WarmUpAsync()
    {
        for (var i = 0; i < WarmUpRequests; i++)
        {
            await PostKeyAsync();
            if (_receiver is not null)
            {
                await ExpectAlertAsync("key.create", FirstAlertTimeout);
            }
        }
    }

    private async Task PostKeyAsync()
    {
        using var response = await _admin.PostAsJsonAsync("/v1/tenants/acme/keys", new { name = $"bench-{++_keys}", roles = Roles });
        response.EnsureSuccessStatusCode();
    }

    private async Task ExpectAlertAsync(string action, TimeSpan timeout)
    {
        string arrived;
        try
        {
            arrived = await _receiver!.NextActionAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"No alert on {action} arrived in time.");
        }

        if (arrived != action)
        {
            throw new InvalidOperationException($"Expected an alert on {action}, received one on {arrived}.");
        }
    }

    /// <summary>Shows the median and the 95th percentile of the iterations, the figures a delivery bound is about.</summary>
    private sealed class PercentilesConfig : ManualConfig
    {
        public PercentilesConfig()
        {
            AddColumn(StatisticColumn.P50, StatisticColumn.P95);
            HideColumns(StatisticColumn.Median);
        }
    }
}
