using System.Text;
using MeshRoles = AgentMesh.Keys.Roles;

namespace AgentMesh.Server.Tests;

public class RoleMatrixTests
{
    private const string Start = "<!-- role-matrix:start -->";
    private const string End = "<!-- role-matrix:end -->";

    [Fact]
    public async Task SecurityDocument_RoleMatrix_MatchesTheEndpoints()
    {
        var endpoints = await ApiEndpoints.ReadAsync();

        var document = await File.ReadAllTextAsync(SecurityDocument(), TestContext.Current.CancellationToken);
        var published = document[(document.IndexOf(Start, StringComparison.Ordinal) + Start.Length)..document.IndexOf(End, StringComparison.Ordinal)];

        Assert.Equal(Render(endpoints), published.Trim().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Endpoints_UnderV1_AllDeclareAccess()
    {
        var endpoints = await ApiEndpoints.ReadAsync();

        Assert.NotEmpty(endpoints);
        Assert.Empty(endpoints.Where(static e => e.Access is null).Select(static e => $"{e.Method} {e.Route}"));
    }

    private static string Render(IReadOnlyList<ApiEndpoints.Entry> endpoints)
    {
        var table = new StringBuilder();
        table.Append("| endpoint |").AppendJoin("", MeshRoles.All.Select(static role => $" {role} |")).Append('\n');
        table.Append("|---|").AppendJoin("", MeshRoles.All.Select(static _ => ":-:|")).Append('\n');
        foreach (var endpoint in endpoints)
        {
            table.Append($"| `{endpoint.Method} {endpoint.Route}` |");
            foreach (var role in MeshRoles.All)
            {
                table.Append(Allows(endpoint, role) ? " ✓ |" : "  |");
            }

            table.Append('\n');
        }

        return table.ToString().TrimEnd('\n');
    }

    /// <summary>A system administrator may call everything (AccessFilter); every other role only what the endpoint lists.</summary>
    internal static bool Allows(ApiEndpoints.Entry endpoint, string role) =>
        endpoint.Access is not null && (role == MeshRoles.SystemAdmin || endpoint.Access.Roles.Contains(role));

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
