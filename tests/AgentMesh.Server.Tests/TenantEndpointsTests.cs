using System.Net;

namespace AgentMesh.Server.Tests;

public class TenantEndpointsTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static string NewId() => "t-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Create_Valid_Returns201WithDefaultQuotas()
    {
        var id = NewId();

        var tenant = await Expect.OkAsync(await node.Admin.PostJsonAsync("/v1/tenants", new { id, name = "Acme" }), HttpStatusCode.Created);

        Assert.Equal(id, (string)tenant["id"]!);
        Assert.Equal("active", (string)tenant["status"]!);
        Assert.True((int)tenant["quotas"]!["maxAgents"]! > 0);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("-abc")]
    [InlineData("_abc")]
    [InlineData("Abc")]
    [InlineData("ab.c")]
    [InlineData("ab c")]
    public async Task Create_BadId_Returns400NamingId(string id)
    {
        var response = await node.Admin.PostJsonAsync("/v1/tenants", new { id, name = "x" });

        await Expect.InvalidAsync(response, "id");
        await Expect.ProblemAsync(await node.Admin.GetPathAsync($"/v1/tenants/{Uri.EscapeDataString(id)}"), HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task Create_IdOf65Characters_Returns400NamingId()
    {
        var response = await node.Admin.PostJsonAsync("/v1/tenants", new { id = new string('a', 65), name = "x" });

        await Expect.InvalidAsync(response, "id");
    }

    [Fact]
    public async Task Create_IdOf64Characters_Returns201()
    {
        var id = ("a" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"))[..64];

        var response = await node.Admin.PostJsonAsync("/v1/tenants", new { id, name = "x" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Create_MissingName_Returns400NamingName()
    {
        var response = await node.Admin.PostJsonAsync("/v1/tenants", new { id = NewId() });

        await Expect.InvalidAsync(response, "name");
    }

    [Fact]
    public async Task Create_NulInName_Returns400NamingNameAndCreatesNothing()
    {
        var id = NewId();

        var response = await node.Admin.PostJsonAsync("/v1/tenants", new { id, name = "a\0b" });

        await Expect.InvalidAsync(response, "name");
        await Expect.ProblemAsync(await node.Admin.GetPathAsync($"/v1/tenants/{id}"), HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task Create_ZeroQuota_Returns400NamingQuotaField()
    {
        var id = NewId();

        var response = await node.Admin.PostJsonAsync("/v1/tenants", new { id, name = "x", quotas = new { maxAgents = 0, maxPendingTasks = 10, requestsPerSecond = 10 } });

        await Expect.InvalidAsync(response, "quotas.maxAgents");
        await Expect.ProblemAsync(await node.Admin.GetPathAsync($"/v1/tenants/{id}"), HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task Create_MalformedJson_Returns400MalformedJson()
    {
        var response = await node.Admin.PostTextAsync("/v1/tenants", "{\"id\": \"abc\",");

        await Expect.MalformedAsync(response, "body");
    }

    [Fact]
    public async Task Create_IdOfWrongType_Returns400NamingId()
    {
        var response = await node.Admin.PostTextAsync("/v1/tenants", "{\"id\": 42, \"name\": \"x\"}");

        await Expect.MalformedAsync(response, "id");
    }

    [Fact]
    public async Task Create_QuotasOfWrongType_Returns400NamingQuotaField()
    {
        var response = await node.Admin.PostTextAsync("/v1/tenants", $"{{\"id\": \"{NewId()}\", \"name\": \"x\", \"quotas\": {{\"maxAgents\": \"many\"}}}}");

        await Expect.MalformedAsync(response, "quotas.maxAgents");
    }

    [Fact]
    public async Task Create_ArrayBody_Returns400MalformedJson()
    {
        var response = await node.Admin.PostTextAsync("/v1/tenants", "[]");

        await Expect.MalformedAsync(response, "body");
    }

    [Fact]
    public async Task Create_NullBody_Returns400()
    {
        var response = await node.Admin.PostTextAsync("/v1/tenants", "null");

        await Expect.InvalidAsync(response, "body");
    }

    [Fact]
    public async Task Create_EmptyBody_Returns400()
    {
        var response = await node.Admin.PostTextAsync("/v1/tenants", "");

        await Expect.MalformedAsync(response, "body");
    }

    [Fact]
    public async Task Create_TextPlain_Returns415()
    {
        var response = await node.Admin.PostTextAsync("/v1/tenants", $"{{\"id\": \"{NewId()}\", \"name\": \"x\"}}", "text/plain");

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Create_ExistingId_Returns409()
    {
        var id = NewId();
        await node.Admin.PostJsonAsync("/v1/tenants", new { id, name = "x" });

        var response = await node.Admin.PostJsonAsync("/v1/tenants", new { id, name = "y" });

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "tenant_exists");
    }

    [Fact]
    public async Task Create_TenantAdminKey_Returns403()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync("/v1/tenants", new { id = NewId(), name = "x" });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task List_TenantAdminKey_Returns403()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.GetPathAsync("/v1/tenants");

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task List_SystemAdmin_ShowsCreatedTenant()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var list = await Expect.OkAsync(await node.Admin.GetPathAsync("/v1/tenants"));

        Assert.Contains(list["items"]!.AsArray(), t => (string)t!["id"]! == tenant.Tenant);
    }

    [Fact]
    public async Task Get_OwnTenant_Returns200()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var found = await Expect.OkAsync(await tenant.Http.GetPathAsync(tenant.Path));

        Assert.Equal(tenant.Tenant, (string)found["id"]!);
    }

    [Fact]
    public async Task Get_UnknownTenant_Returns404()
    {
        var response = await node.Admin.GetPathAsync($"/v1/tenants/{NewId()}");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task Get_OtherTenantsKey_Returns404()
    {
        var mine = await TenantClient.CreateAsync(node);
        var other = await TenantClient.CreateAsync(node);

        var response = await mine.Http.GetPathAsync(other.Path);

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }
}
