using AgentMesh.Server.Audit;
using AgentMesh.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgentMesh.Server.Tests;

public class AuditShapeTests
{
    [Fact]
    public async Task Derive_EveryEndpoint_GetsADistinctActionNamedAfterItsResource()
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        await using var app = AgentMeshNode.Build(["--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data]);
        var shapes = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(static source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(static e => e.RoutePattern.RawText?.StartsWith("/v1", StringComparison.Ordinal) == true)
            .SelectMany(static e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(method => (Key: $"{method} {e.RoutePattern.RawText!.TrimEnd('/')}", Shape: AuditShape.Derive(e, method))))
            .ToDictionary(static s => s.Key, static s => s.Shape.Action);

        // The audit log's own endpoints share an action between the tenant and the system route; the tenant tells them apart.
        Assert.Equal(["audit.export", "audit.query", "audit.report"], shapes.Values.GroupBy(static a => a).Where(static g => g.Count() > 1).Select(static g => g.Key).Order(StringComparer.Ordinal));
        Assert.Equal("task.create", shapes["POST /v1/tenants/{tenant}/tasks"]);
        Assert.Equal("task.batch", shapes["POST /v1/tenants/{tenant}/tasks:batch"]);
        Assert.Equal("task.read", shapes["GET /v1/tenants/{tenant}/tasks/{taskId}"]);
        Assert.Equal("task.cancel", shapes["POST /v1/tenants/{tenant}/tasks/{taskId}/cancel"]);
        Assert.Equal("task.events", shapes["GET /v1/tenants/{tenant}/tasks/{taskId}/events"]);
        Assert.Equal("agent.put", shapes["PUT /v1/tenants/{tenant}/agents/{agentId}"]);
        Assert.Equal("agent.quarantine", shapes["POST /v1/tenants/{tenant}/agents/{agentId}/quarantine"]);
        Assert.Equal("key.delete", shapes["DELETE /v1/tenants/{tenant}/keys/{keyId}"]);
        Assert.Equal("tenant.create", shapes["POST /v1/tenants"]);
        Assert.Equal("tenant.read", shapes["GET /v1/tenants/{tenant}"]);
        Assert.Equal("event.list", shapes["GET /v1/tenants/{tenant}/events"]);
    }
}
