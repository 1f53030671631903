using System.Net;

namespace AgentMesh.Server.Tests;

public class KeyEndpointsTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Create_Valid_ShowsSecretOnce()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var created = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/keys", new { name = "ci", roles = new[] { "submitter" } }), HttpStatusCode.Created);
        var list = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/keys"));

        Assert.StartsWith("amk_", (string)created["key"]!, StringComparison.Ordinal);
        Assert.Equal(tenant.Tenant, (string)created["tenant"]!);
        var listed = Assert.Single(list["items"]!.AsArray(), k => (string)k!["id"]! == (string)created["id"]!)!.AsObject();
        Assert.False(listed.ContainsKey("key"));
        Assert.DoesNotContain((string)created["key"]!, list.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NewKey_Authenticates()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var viewer = await tenant.ClientAsync(["viewer"]);

        var response = await viewer.GetPathAsync($"{tenant.Path}/tasks");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Delete_Key_RevokesIt()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var created = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/keys", new { name = "ci", roles = new[] { "viewer" } }), HttpStatusCode.Created);
        var client = node.Client((string)created["key"]!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync($"{tenant.Path}/tasks")).StatusCode);

        var deleted = await tenant.Http.DeletePathAsync($"{tenant.Path}/keys/{created["id"]}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await Expect.ProblemAsync(await client.GetPathAsync($"{tenant.Path}/tasks"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Delete_UnknownKey_Returns404()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.DeletePathAsync($"{tenant.Path}/keys/nope");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "key_not_found");
    }

    [Fact]
    public async Task Delete_OtherTenantsKeyId_Returns404AndKeepsIt()
    {
        var mine = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);
        var created = await Expect.OkAsync(await other.Http.PostJsonAsync($"{other.Path}/keys", new { name = "x", roles = new[] { "viewer" } }), HttpStatusCode.Created);

        var response = await mine.Http.DeletePathAsync($"{mine.Path}/keys/{created["id"]}");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "key_not_found");
        Assert.Equal(HttpStatusCode.OK, (await node.Client((string)created["key"]!).GetPathAsync($"{other.Path}/tasks")).StatusCode);
    }

    [Fact]
    public async Task Create_UnknownRole_Returns400NamingRole()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/keys", new { name = "x", roles = new[] { "viewer", "root" } });

        await Expect.InvalidAsync(response, "roles[1]");
    }

    [Fact]
    public async Task Create_SystemAdminRoleForTenant_Returns400()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/keys", new { name = "x", roles = new[] { "system-admin" } });

        await Expect.InvalidAsync(response, "roles[0]");
    }

    [Fact]
    public async Task Create_NoRoles_Returns400NamingRoles()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/keys", new { name = "x", roles = Array.Empty<string>() });

        await Expect.InvalidAsync(response, "roles");
    }

    [Fact]
    public async Task Create_MissingName_Returns400NamingName()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/keys", new { roles = new[] { "viewer" } });

        await Expect.InvalidAsync(response, "name");
    }

    [Fact]
    public async Task Create_NulInName_Returns400NamingNameAndCreatesNoKey()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/keys", new { name = "a\0b", roles = new[] { "viewer" } });

        await Expect.InvalidAsync(response, "name");
        Assert.Single((await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/keys")))["items"]!.AsArray());
    }

    [Fact]
    public async Task Create_BadAgentId_Returns400NamingAgentId()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/keys", new { name = "x", roles = new[] { "agent" }, agentId = "a!" });

        await Expect.InvalidAsync(response, "agentId");
    }

    [Fact]
    public async Task Create_RolesOfWrongType_Returns400NamingRoles()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/keys", "{\"name\": \"x\", \"roles\": \"viewer\"}");

        await Expect.MalformedAsync(response, "roles");
    }

    [Fact]
    public async Task Create_TextPlain_Returns415()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/keys", "{\"name\": \"x\", \"roles\": [\"viewer\"]}", "text/plain");

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Create_UnknownTenant_Returns404()
    {
        var response = await node.Admin.PostJsonAsync("/v1/tenants/no-such-tenant/keys", new { name = "x", roles = new[] { "viewer" } });

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task List_UnknownTenant_Returns404()
    {
        var response = await node.Admin.GetPathAsync("/v1/tenants/no-such-tenant/keys");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task Delete_UnknownTenant_Returns404()
    {
        var response = await node.Admin.DeletePathAsync("/v1/tenants/no-such-tenant/keys/abc");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Theory]
    [InlineData("operator")]
    [InlineData("submitter")]
    [InlineData("viewer")]
    [InlineData("auditor")]
    public async Task Create_RoleWithoutKeyManagement_Returns403(string role)
    {
        var tenant = await TenantClient.CreateAsync(node);
        var client = await tenant.ClientAsync([role]);

        var response = await client.PostJsonAsync($"{tenant.Path}/keys", new { name = "x", roles = new[] { "tenant-admin" } });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        var keys = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/keys"));
        Assert.Equal(2, keys["items"]!.AsArray().Count);
    }
}
