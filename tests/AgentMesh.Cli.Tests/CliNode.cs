using AgentMesh.Client;
using AgentMesh.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Cli.Tests;

/// <summary>A real node on a random loopback port with its store in a temporary folder, for the commands to talk to.</summary>
public sealed class CliNode : IAsyncLifetime
{
    public const string JwtSecret = "cli-node-secret-of-at-least-32-bytes-0123";
    public const string JwtIssuer = "https://issuer.test";
    public const string JwtAudience = "agentmesh";

    private WebApplication? _app;

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "agentmesh-cli-tests", Guid.NewGuid().ToString("N"));

    public string Url { get; private set; } = null!;

    public string AdminKey { get; private set; } = null!;

    public AgentMeshClient Admin { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataPath);
        _app = AgentMeshNode.Build(
        [
            "--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", DataPath, "--Logging:LogLevel:Default", "Warning",
            "--AgentMesh:Auth:Jwt:Secret", JwtSecret, "--AgentMesh:Auth:Jwt:Issuer", JwtIssuer, "--AgentMesh:Auth:Jwt:Audience", JwtAudience,
        ]);
        await _app.StartAsync();
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        AdminKey = (await File.ReadAllTextAsync(Path.Combine(DataPath, "admin.key"))).Trim();
        Admin = AgentMeshClient.Create(new Uri(Url), AdminKey);
    }

    /// <summary>The arguments that point a command at this node with the admin key.</summary>
    public string[] Connect(params string[] args) => [.. args, "--url", Url, "--key", AdminKey];

    public async Task<string> TenantAsync()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        await Admin.CreateTenantAsync(new TenantCreation { Id = tenant, Name = tenant });
        return tenant;
    }

    public async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
