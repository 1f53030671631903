using AgentMesh.Server.Hosting;
using AgentMesh.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgentMesh.Server.Tests;

/// <summary>Every endpoint under <c>/v1</c> of a node built as in production, with its access rule.</summary>
internal static class ApiEndpoints
{
    public sealed record Entry(string Method, string Route, Access? Access);

    public static async Task<IReadOnlyList<Entry>> ReadAsync()
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        await using var app = AgentMeshNode.Build(["--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data]);
        return
        [
            .. ((IEndpointRouteBuilder)app).DataSources
                .SelectMany(static source => source.Endpoints)
                .OfType<RouteEndpoint>()
                .Where(static e => e.RoutePattern.RawText?.StartsWith("/v1", StringComparison.Ordinal) == true)
                .SelectMany(static e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                    .Select(method => new Entry(method, Normalize(e.RoutePattern.RawText!), e.Metadata.GetMetadata<Access>()))),
        ];
    }

    private static string Normalize(string route) => route.Length > 1 ? route.TrimEnd('/') : route;
}
