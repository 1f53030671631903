using AgentMesh.Client.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentMesh.Client.Tests.Worker;

public class AgentMeshWorkerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddAgentMeshWorker_Host_RegistersAndHandlesTasks()
    {
        var node = new FakeNode();
        node.Assign(FakeNode.Assignment("t1", """{"n":7}"""));
        var registered = new TaskCompletionSource<Agent>();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAgentMeshWorker(o =>
        {
            o.BaseAddress = new Uri("http://node.test/");
            o.ApiKey = "amk_1";
            o.Tenant = "acme";
            o.OnRegistered = agent => registered.TrySetResult(agent);
        }).AddAgent<EchoTestAgent>(a =>
        {
            a.Id = "echo-1";
            a.Capabilities.Add(new Capability("echo", 4));
            a.MaxConcurrency = 4;
        });
        builder.Services.AddHttpClient<AgentMeshClient>().ConfigurePrimaryHttpMessageHandler(() => node);
        using var host = builder.Build();

        await host.StartAsync(Token);
        var agent = await registered.Task.WaitAsync(TimeSpan.FromSeconds(20), Token);
        var result = await node.NextResultAsync();
        await host.StopAsync(Token);

        Assert.Equal("echo-1", agent.Id);
        Assert.Equal("t1", result.TaskId);
        Assert.Equal("""{"n":7}""", result.Output!.Value.GetRawText());
    }

    [Fact]
    public async Task AddAgentMeshWorker_NoTenant_FailsAtStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAgentMeshWorker(o =>
        {
            o.BaseAddress = new Uri("http://node.test/");
            o.ApiKey = "amk_1";
        }).AddAgent<EchoTestAgent>(a =>
        {
            a.Id = "echo-1";
            a.Capabilities.Add(new Capability("echo", 4));
        });
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Token));

        Assert.Contains("Tenant is required", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAgent_SameIdTwice_Throws()
    {
        var worker = new ServiceCollection().AddAgentMeshWorker(_ => { });
        worker.AddAgent<EchoTestAgent>(a =>
        {
            a.Id = "echo-1";
            a.Capabilities.Add(new Capability("echo", 4));
        });

        Assert.Throws<ArgumentException>(() => worker.AddAgent<EchoTestAgent>(a =>
        {
            a.Id = "echo-1";
            a.Capabilities.Add(new Capability("echo", 4));
        }));
    }

    [Fact]
    public void AddAgent_InvalidId_Throws() =>
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddAgentMeshWorker(_ => { }).AddAgent<EchoTestAgent>(a =>
        {
            a.Id = "no spaces";
            a.Capabilities.Add(new Capability("echo", 4));
        }));
}
