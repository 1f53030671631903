using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentMesh.Server.Hosting;
using AgentMesh.TestKit.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Redis.Tests;

/// <summary>A real node on a random loopback port, its SQLite store in a temporary folder, its rate limits in the given Redis.</summary>
internal sealed class RedisNode : IAsyncDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "agentmesh-redis-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    /// <summary>The bootstrap system key's client.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>A client without credentials: its requests are limited by address.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    /// <summary>
    /// Starts a node whose keys and addresses may send <paramref name="perKeyRate"/> requests/s with a burst of twice
    /// that. Its admin client uses <paramref name="adminKey"/>, or the bootstrap key the node saved.
    /// </summary>
    public static async Task<RedisNode> StartAsync(RedisServer redis, string keyPrefix, int perKeyRate = 1000, string? adminKey = null, params string[] settings)
    {
        var node = new RedisNode();
        Directory.CreateDirectory(node._dataPath);
        string[] args =
        [
            "--urls", $"http://127.0.0.1:{FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "--AgentMesh:Node:DataPath", node._dataPath,
            "--Logging:LogLevel:Default", "Warning",
            "--ConnectionStrings:Redis", redis.ConnectionString + ",connectRetry=1,syncTimeout=1000,asyncTimeout=1000",
            "--AgentMesh:Redis:KeyPrefix", keyPrefix,
            "--AgentMesh:Resilience:Redis:BreakDuration", "00:00:00.500",
            "--AgentMesh:Redis:ConnectTimeout", "00:00:01",
            "--AgentMesh:RateLimits:PerKeyRequestsPerSecond", perKeyRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--AgentMesh:RateLimits:PerKeyBurstMultiple", "2",
            .. settings,
        ];
        node._app = AgentMeshNode.Build(args);
        try
        {
            await node._app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await node._app.DisposeAsync();
            node._app = null;
            await node.DisposeAsync();
            throw;
        }

        var address = new Uri(node._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var key = adminKey ?? (await File.ReadAllTextAsync(Path.Combine(node._dataPath, "admin.key"), TestContext.Current.CancellationToken)).Trim();
        node.Admin = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        node.Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        node.Anonymous = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        return node;
    }

    /// <summary>The bootstrap system key this node's admin client uses.</summary>
    public string AdminKey => Admin.DefaultRequestHeaders.Authorization!.Parameter!;

    /// <summary>Creates the tenant with this id (the same id on two nodes stands for one tenant of a cluster).</summary>
    public async Task CreateTenantAsync(string tenant, int requestsPerSecond)
    {
        var response = await Admin.PostAsJsonAsync(
            "/v1/tenants",
            new { id = tenant, name = tenant, quotas = new { maxAgents = 10, maxPendingTasks = 100, requestsPerSecond } },
            TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public Task<HttpResponseMessage> GetAsAdminAsync(string path) =>
        Admin.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> GetAnonymousAsync(string path) =>
        Anonymous.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

    public async Task<JsonObject> HealthDetailAsync() =>
        (await Admin.GetFromJsonAsync<JsonObject>(new Uri("/health/detail", UriKind.Relative), TestContext.Current.CancellationToken))!;

    /// <summary><c>/health/ready</c>'s status and its checks.</summary>
    public async Task<(HttpStatusCode Status, JsonObject Checks)> ReadyAsync()
    {
        using var ready = await GetAnonymousAsync("/health/ready");
        var body = await ready.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        return (ready.StatusCode, body!["checks"]!.AsObject());
    }

    /// <summary>The sum of a metric's samples whose labels contain every one of <paramref name="labels"/> (<c>name="value"</c>); 0 when absent.</summary>
    public async Task<double> MetricAsync(string metric, params string[] labels)
    {
        var exposition = await (await GetAnonymousAsync("/metrics")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return exposition.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .Sum(static line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        Anonymous?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
            _app = null;
        }

        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
