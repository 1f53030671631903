using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AgentMesh.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Server.Tests;

/// <summary>A real node on a random loopback port with its SQLite store in a temporary folder.</summary>
public class NodeFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));

    public Uri BaseAddress { get; private set; } = null!;

    public string AdminKey { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>Extra command-line settings for the node, e.g. lower limits.</summary>
    protected virtual IEnumerable<string> Settings => [];

    /// <summary>Changes to the node's builder before it is built, e.g. an extra log provider.</summary>
    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataPath);
        await BeforeStartAsync();
        await StartAsync();
    }

    /// <summary>Runs once before the node first starts, e.g. to start a server the node's settings point at.</summary>
    protected virtual ValueTask BeforeStartAsync() => ValueTask.CompletedTask;

    /// <summary>Runs once after the node is disposed.</summary>
    protected virtual ValueTask AfterStopAsync() => ValueTask.CompletedTask;

    /// <summary>Stops the node and starts a new one on the same data folder (a new port).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    private async Task StartAsync()
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--AgentMesh:Node:DataPath", DataPath,
            "--Logging:LogLevel:Default", "Warning",
            "--AgentMesh:Engine:RetryBaseDelay", "00:00:00.100",
            .. Settings,
        ];
        _app = AgentMeshNode.Build(args, Configure);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        AdminKey = (await File.ReadAllTextAsync(Path.Combine(DataPath, "admin.key"))).Trim();
        Admin?.Dispose();
        Admin = Client(AdminKey);
    }

    private async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>A new tenant with a tenant-admin key.</summary>
    public async Task<(string Tenant, HttpClient Client)> TenantAsync(object? quotas = null)
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        var created = await Admin.PostAsJsonAsync("/v1/tenants", new { id = tenant, name = tenant, quotas });
        created.EnsureSuccessStatusCode();
        var key = await KeyAsync(tenant, ["tenant-admin"]);
        return (tenant, Client(key));
    }

    public async Task<string> KeyAsync(string tenant, string[] roles, string? agentId = null)
    {
        var response = await Admin.PostAsJsonAsync($"/v1/tenants/{tenant}/keys", new { name = "test", roles, agentId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
    }

    public static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    public async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        await StopAsync();
        await AfterStopAsync();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>A node with small limits: 64 KiB bodies, 1 KiB task inputs.</summary>
public sealed class SmallLimitsNodeFixture : NodeFixture
{
    public const int MaxInputBytes = 1024;

    public const int MaxBodyBytes = 64 * 1024;

    protected override IEnumerable<string> Settings =>
    [
        "--AgentMesh:Engine:MaxInputBytes", MaxInputBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--AgentMesh:Node:MaxRequestBodyBytes", MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];
}
