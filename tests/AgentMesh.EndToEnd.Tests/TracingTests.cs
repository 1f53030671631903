using System.Diagnostics;
using AgentMesh.Client;

namespace AgentMesh.EndToEnd.Tests;

public class TracingTests
{
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Submit_NodeAndAgentProcessesExportOtlp_OneTraceFromSubmitThroughRouteDispatchHandlerToCompletion()
    {
        using var collector = new OtlpReceiver();
        await using var mesh = await MeshUnderTest.StartAsync(collector.Environment("agentmesh-node"));
        var tenant = await mesh.TenantAsync();
        await mesh.AgentAsync(tenant, "echo-1", environment: collector.Environment("echo-agent"));

        var submitted = await mesh.SubmitAsync(tenant, new { text = "traced" });
        await mesh.WaitForAsync(tenant, submitted.Task.Id, static t => t.Status == MeshTaskStatus.Succeeded);
        var taskId = submitted.Task.Id;
        var spans = await collector.WaitForAsync(
            received => received.Any(s => s.Name == "complete echo" && s.Attributes.GetValueOrDefault("agentmesh.task.id") == taskId)
                && received.Any(s => s.Name == "process echo" && s.Attributes.GetValueOrDefault("messaging.message.id") == taskId),
            ExportTimeout);

        var complete = Assert.Single(spans, s => s.Name == "complete echo" && s.Attributes.GetValueOrDefault("agentmesh.task.id") == taskId);
        var trace = spans.Where(s => s.TraceId == complete.TraceId).ToList();
        OtlpSpan ParentOf(OtlpSpan child) => Assert.Single(trace, s => s.SpanId == child.ParentSpanId);

        var handler = ParentOf(complete);
        var send = ParentOf(handler);
        var route = ParentOf(send);
        var submit = ParentOf(route);
        Assert.Equal(("echo-agent", "process echo", ActivityKind.Consumer), (handler.Service, handler.Name, handler.Kind));
        Assert.Equal(("agentmesh-node", "send echo", ActivityKind.Producer), (send.Service, send.Name, send.Kind));
        Assert.Equal(("agentmesh-node", "route echo", ActivityKind.Internal), (route.Service, route.Name, route.Kind));
        Assert.Equal(("agentmesh-node", ActivityKind.Server, "POST"), (submit.Service, submit.Kind, submit.Attributes.GetValueOrDefault("http.request.method")));
        Assert.Equal("/v1/tenants/{tenant}/tasks/", submit.Attributes.GetValueOrDefault("http.route"));
        Assert.Equal("", submit.ParentSpanId);
        Assert.Equal(("agentmesh-node", "succeeded"), (complete.Service, complete.Attributes.GetValueOrDefault("agentmesh.task.status")));
        Assert.Equal(("agentmesh", "process", "echo"), (handler.Attributes["messaging.system"], handler.Attributes["messaging.operation.type"], handler.Attributes["messaging.destination.name"]));
        Assert.Equal(("agentmesh", "send", taskId), (send.Attributes["messaging.system"], send.Attributes["messaging.operation.type"], send.Attributes["messaging.message.id"]));
        Assert.Equal("echo-1", route.Attributes["agentmesh.agent.id"]);
        Assert.Equal(0, collector.Malformed);
    }
}
