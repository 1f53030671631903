using static AgentMesh.Client.Tests.Wire.Wire;

namespace AgentMesh.Client.Tests.Wire;

public class TenantWireTests
{
    [Fact]
    public void Read_Tenant_MapsEveryField()
    {
        var tenant = Read(
            """
            { "id": "acme", "name": "Acme", "status": "active", "createdAt": "2026-11-24T10:00:00.000Z",
              "quotas": { "maxAgents": 10000, "maxPendingTasks": 1000000, "requestsPerSecond": 10000 } }
            """,
            Json.Tenant);

        Assert.Equal("acme", tenant.Id);
        Assert.Equal(TenantStatus.Active, tenant.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero), tenant.CreatedAt);
        Assert.Equal(new TenantQuotas { MaxAgents = 10000, MaxPendingTasks = 1000000, RequestsPerSecond = 10000 }, tenant.Quotas);
    }

    [Fact]
    public void Write_TenantCreation_OmitsAbsentQuotas()
    {
        var json = Write(new TenantCreation { Id = "acme", Name = "Acme" }, Json.TenantCreation);

        Assert.Equal("""{"id":"acme","name":"Acme"}""", json.ToJsonString());
    }

    [Fact]
    public void Read_SuspendedTenant_MapsStatus() =>
        Assert.Equal(TenantStatus.Suspended, Read("""{"id":"a","name":"A","status":"suspended"}""", Json.Tenant).Status);

    [Fact]
    public void Read_ApiKeyAnswer_CarriesSecret()
    {
        var key = Read(
            """
            { "id": "k1", "name": "worker", "roles": ["agent"], "agentId": "sum-1", "tenant": "acme",
              "createdAt": "2026-11-24T10:00:00.000Z", "key": "amk_secret" }
            """,
            Json.ApiKey);

        Assert.Equal(["agent"], key.Roles);
        Assert.Equal("sum-1", key.AgentId);
        Assert.Equal("amk_secret", key.Key);
    }

    [Fact]
    public void Write_ApiKeyCreation_UsesRoleNames()
    {
        var json = Write(new ApiKeyCreation { Name = "ops", Roles = [ApiKeyRoles.TenantAdmin, ApiKeyRoles.SystemAdmin] }, Json.ApiKeyCreation);

        Assert.Equal("""{"name":"ops","roles":["tenant-admin","system-admin"]}""", json.ToJsonString());
    }
}
