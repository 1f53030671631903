using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentMesh.Nats.Outbox;
using AgentMesh.Server.Hosting;
using AgentMesh.Storage;
using AgentMesh.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Nats.Tests;

/// <summary>A real node on a random loopback port, its SQLite store in a temporary folder, relaying to the given NATS server.</summary>
internal sealed class NatsNode : IAsyncDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "agentmesh-nats-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public HttpClient Admin { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public NatsOutboxRelay Relay => Services.GetRequiredService<NatsOutboxRelay>();

    public IEventOutbox Outbox => Services.GetRequiredService<IEventOutbox>();

    /// <summary>Starts a node; without <paramref name="natsUrl"/> it runs in embedded mode, with no relay.</summary>
    public static async Task<NatsNode> StartAsync(string? natsUrl, params string[] settings)
    {
        var node = new NatsNode();
        Directory.CreateDirectory(node._dataPath);
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--AgentMesh:Node:DataPath", node._dataPath,
            "--Logging:LogLevel:Default", "Warning",
            .. natsUrl is null ? [] : new[]
            {
                "--ConnectionStrings:Nats", natsUrl,
                "--AgentMesh:Nats:PublishTimeout", "00:00:02",
                "--AgentMesh:Nats:RetryMaxDelay", "00:00:00.500",
            },
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

        var address = node._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var key = (await File.ReadAllTextAsync(Path.Combine(node._dataPath, "admin.key"), TestContext.Current.CancellationToken)).Trim();
        node.Admin = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        node.Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return node;
    }

    public async Task<string> CreateTenantAsync()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        (await PostAsync("/v1/tenants", new { id = tenant, name = tenant })).EnsureSuccessStatusCode();
        return tenant;
    }

    public async Task<string> SubmitAsync(string tenant, string type = "work")
    {
        var response = await PostAsync($"/v1/tenants/{tenant}/tasks", new { type, input = new { n = 1 } });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!;
    }

    public Task<HttpResponseMessage> PostAsync(string path, object body) =>
        Admin.PostAsJsonAsync(path, body, TestContext.Current.CancellationToken);

    public async Task<JsonObject> GetAsync(string path)
    {
        var response = await Admin.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
    }

    /// <summary>The last value of <c>agentmesh.outbox.lag</c> on this node's meter, read as an exporter would.</summary>
    public long ObserveLag()
    {
        var factory = Services.GetRequiredService<IMeterFactory>();
        long lag = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "agentmesh.outbox.lag" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => lag = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return lag;
    }

    public async Task WaitCaughtUpAsync()
    {
        var last = await Outbox.LastSequenceAsync(TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => Relay.Status.Cursor >= last, $"the relay published up to sequence {last} (status: {Relay.Status})");
    }

    public async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
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
