using System.Net;
using System.Text;
using MeshRoles = AgentMesh.Keys.Roles;

namespace AgentMesh.Server.Tests;

/// <summary>Calls every endpoint with an API key and a token of every role and checks the node answers as the matrix says.</summary>
public class RoleMatrixEnforcementTests(JwtNodeFixture node) : IClassFixture<JwtNodeFixture>
{
    public static TheoryData<string, string> RolesAndCredentials { get; } = new(
        MeshRoles.All.SelectMany(static role => new[] { (role, "key"), (role, "token") }));

    [Theory]
    [MemberData(nameof(RolesAndCredentials))]
    public async Task EveryEndpoint_RoleCredential_AnswersAsTheMatrixSays(string role, string credential)
    {
        var tenant = await TenantClient.CreateAsync(node);
        var agentId = role == MeshRoles.Agent ? "agent-1" : null;
        using var client = (role, credential) switch
        {
            (MeshRoles.SystemAdmin, "key") => node.Client(node.AdminKey),
            (MeshRoles.SystemAdmin, _) => node.Client(JwtNodeFixture.Token(null, [role])),
            (_, "key") => await tenant.ClientAsync([role], agentId),
            _ => node.Client(JwtNodeFixture.Token(tenant.Tenant, [role], agentId)),
        };
        var wrong = new List<string>();

        foreach (var endpoint in await ApiEndpoints.ReadAsync())
        {
            var path = endpoint.Route
                .Replace("{tenant}", tenant.Tenant, StringComparison.Ordinal)
                .Replace("{agentId}", "agent-1", StringComparison.Ordinal)
                .Replace("{taskId}", "0197a8a0-0000-7000-8000-000000000000", StringComparison.Ordinal)
                .Replace("{keyId}", "abc", StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), new Uri(path, UriKind.Relative));
            if (endpoint.Method is "POST" or "PUT")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            // Headers only: the event streams stay open.
            using var response = await client.SendRequestAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var allowed = RoleMatrixTests.Allows(endpoint, role);
            if (allowed ? response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized : response.StatusCode != HttpStatusCode.Forbidden)
            {
                wrong.Add($"{endpoint.Method} {endpoint.Route}: {(int)response.StatusCode}, matrix says {(allowed ? "allowed" : "forbidden")}");
            }
        }

        Assert.Empty(wrong);
    }
}
