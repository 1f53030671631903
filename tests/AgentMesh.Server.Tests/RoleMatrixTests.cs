using System.Text;
using AgentMesh.Server.Hosting;
using AgentMesh.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MeshRoles = AgentMesh.Keys.Roles;

namespace AgentMesh.Server.Tests;

public class RoleMatrixTests
{
    private const string Start = "<!-- role-matrix:start -->";
    private const string End = "<!-- role-matrix:end -->";

    [Fact]
    public async Task SecurityDocument_RoleMatrix_MatchesTheEndpoints()
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        await using var app = AgentMeshNode.Build(["--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data]);
        var endpoints = Endpoints(app);

        var document = await File.ReadAllTextAsync(SecurityDocument(), TestContext.Current.CancellationToken);
        var published = document[(document.IndexOf(Start, StringComparison.Ordinal) + Start.Length)..document.IndexOf(End, StringComparison.Ordinal)];

        Assert.Equal(Render(endpoints), published.Trim().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Endpoints_UnderV1_AllDeclareAccess()
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        await using var app = AgentMeshNode.Build(["--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data]);

        var undeclared = Api(Endpoints(app)).Where(static e => e.Access is null).Select(static e => e.Route);

        Assert.Empty(undeclared);
    }

    private static List<Endpoint> Endpoints(IEndpointRouteBuilder app) => [.. app.DataSources.SelectMany(static source => source.Endpoints)];

    private static string Render(IReadOnlyList<Endpoint> endpoints)
    {
        var table = new StringBuilder();
        table.Append("| endpoint |").AppendJoin("", MeshRoles.All.Select(static role => $" {role} |")).Append('\n');
        table.Append("|---|").AppendJoin("", MeshRoles.All.Select(static _ => ":-:|")).Append('\n');
        foreach (var (route, access) in Api(endpoints))
        {
            table.Append($"| `{route}` |");
            foreach (var role in MeshRoles.All)
            {
                // A system administrator may call everything (AccessFilter); every other role only what the endpoint lists.
                var allowed = access is not null && (role == MeshRoles.SystemAdmin || access.Roles.Contains(role));
                table.Append(allowed ? " ✓ |" : "  |");
            }

            table.Append('\n');
        }

        return table.ToString().TrimEnd('\n');
    }

    private static IEnumerable<(string Route, Access? Access)> Api(IEnumerable<Endpoint> endpoints) =>
        endpoints.OfType<RouteEndpoint>()
            .Where(static e => e.RoutePattern.RawText?.StartsWith("/v1", StringComparison.Ordinal) == true)
            .SelectMany(static e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => ($"{method} {Normalize(e.RoutePattern.RawText!)}", e.Metadata.GetMetadata<Access>())));

    private static string Normalize(string route) => route.Length > 1 ? route.TrimEnd('/') : route;

    private static string SecurityDocument()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AgentMesh.slnx")))
            {
                return Path.Combine(folder.FullName, "docs", "security.md");
            }
        }

        throw new FileNotFoundException("AgentMesh.slnx was not found above " + AppContext.BaseDirectory);
    }
}
