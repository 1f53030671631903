namespace AgentMesh.Client;

public sealed partial class AgentMeshClient
{
    /// <summary>Creates a tenant (<c>POST /v1/tenants</c>, system admin).</summary>
    public Task<Tenant> CreateTenantAsync(TenantCreation tenant, CancellationToken cancellationToken = default) =>
        PostAsync("v1/tenants", tenant, Json.TenantCreation, Json.Tenant, cancellationToken);

    /// <summary>Lists every tenant (<c>GET /v1/tenants</c>, system admin).</summary>
    public async Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken = default) =>
        (await GetAsync("v1/tenants", Json.PageTenant, cancellationToken)).Items;

    /// <summary>Reads a tenant (<c>GET /v1/tenants/{t}</c>).</summary>
    public Task<Tenant> GetTenantAsync(string tenant, CancellationToken cancellationToken = default) =>
        GetAsync(TenantPath(tenant), Json.Tenant, cancellationToken);

    /// <summary>Creates an API key (<c>POST …/keys</c>); the answer's <see cref="ApiKey.Key"/> is the only time the secret is shown.</summary>
    public Task<ApiKey> CreateKeyAsync(string tenant, ApiKeyCreation key, CancellationToken cancellationToken = default) =>
        PostAsync($"{TenantPath(tenant)}/keys", key, Json.ApiKeyCreation, Json.ApiKey, cancellationToken);

    /// <summary>Lists a tenant's keys, without their secrets (<c>GET …/keys</c>).</summary>
    public async Task<IReadOnlyList<ApiKey>> ListKeysAsync(string tenant, CancellationToken cancellationToken = default) =>
        (await GetAsync($"{TenantPath(tenant)}/keys", Json.PageApiKey, cancellationToken)).Items;

    /// <summary>Revokes a key (<c>DELETE …/keys/{id}</c>).</summary>
    public Task RevokeKeyAsync(string tenant, string keyId, CancellationToken cancellationToken = default) =>
        SendWithoutBodyAsync(HttpMethod.Delete, $"{TenantPath(tenant)}/keys/{Escape(keyId)}", content: null, cancellationToken);
}
