using AgentMesh.Agents;
using AgentMesh.Events;
using AgentMesh.Keys;
using AgentMesh.Storage;
using AgentMesh.Tenants;
using Npgsql;

namespace AgentMesh.PostgreSql.Rows;

/// <summary>Tenants, API keys and agents: few and rarely written, one upsert per row, and their row readers.</summary>
internal static class DirectoryRows
{
    public const string SelectTenants = "SELECT id, name, status, created_at, max_agents, max_pending_tasks, requests_per_second FROM tenants";

    public const string SelectKeys = "SELECT id, tenant, name, roles, agent_id, secret_hash, created_at, revoked_at FROM api_keys";

    public const string SelectAgents = """
        SELECT tenant, id, name, type, description, capabilities, max_concurrency, tags, metadata, supervisor,
               admin_state, created_at, updated_at, version
        FROM agents
        """;

    public static NpgsqlBatchCommand Put(Tenant tenant) => Statements.Positional(
        """
        INSERT INTO tenants (id, name, status, created_at, max_agents, max_pending_tasks, requests_per_second)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, status = excluded.status, created_at = excluded.created_at,
            max_agents = excluded.max_agents, max_pending_tasks = excluded.max_pending_tasks,
            requests_per_second = excluded.requests_per_second
        """,
        tenant.Id, tenant.Name, tenant.Status.ToStored(), tenant.CreatedAt.UtcTicks,
        tenant.Quotas.MaxAgents, tenant.Quotas.MaxPendingTasks, tenant.Quotas.RequestsPerSecond);

    public static NpgsqlBatchCommand Put(ApiKeyRecord key) => Statements.Positional(
        """
        INSERT INTO api_keys (id, tenant, name, roles, agent_id, secret_hash, created_at, revoked_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, name = excluded.name, roles = excluded.roles,
            agent_id = excluded.agent_id, secret_hash = excluded.secret_hash, created_at = excluded.created_at,
            revoked_at = excluded.revoked_at
        """,
        key.Id, key.Tenant, key.Name, StoredJson.WriteList(key.Roles, CoreJsonContext.Default.IReadOnlyListString),
        key.AgentId, key.SecretHash, key.CreatedAt.UtcTicks, DbRead.Ticks(key.RevokedAt));

    public static NpgsqlBatchCommand Put(AgentRecord agent) => Statements.Positional(
        """
        INSERT INTO agents (tenant, id, name, type, description, capabilities, max_concurrency, tags, metadata,
                            supervisor, admin_state, created_at, updated_at, version)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        ON CONFLICT (tenant, id) DO UPDATE SET name = excluded.name, type = excluded.type,
            description = excluded.description, capabilities = excluded.capabilities,
            max_concurrency = excluded.max_concurrency, tags = excluded.tags, metadata = excluded.metadata,
            supervisor = excluded.supervisor, admin_state = excluded.admin_state, created_at = excluded.created_at,
            updated_at = excluded.updated_at, version = excluded.version
        """,
        agent.Tenant, agent.Id, agent.Name, agent.Type, agent.Description,
        StoredJson.WriteList(agent.Capabilities, CoreJsonContext.Default.IReadOnlyListCapability), agent.MaxConcurrency,
        StoredJson.WriteList(agent.Tags, CoreJsonContext.Default.IReadOnlyListString), StoredJson.WriteMap(agent.Metadata),
        agent.Supervisor, agent.AdminState.ToStored(), agent.CreatedAt.UtcTicks, agent.UpdatedAt.UtcTicks, agent.Version);

    public static Tenant ReadTenant(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Status = StoredNames.ParseTenantStatus(reader.GetString(2)),
        CreatedAt = reader.Time(3),
        Quotas = new TenantQuotas(reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6)),
    };

    public static ApiKeyRecord ReadKey(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Tenant = reader.TextOrNull(1),
        Name = reader.GetString(2),
        Roles = StoredJson.ReadList(reader.TextOrNull(3), CoreJsonContext.Default.IReadOnlyListString),
        AgentId = reader.TextOrNull(4),
        SecretHash = reader.GetString(5),
        CreatedAt = reader.Time(6),
        RevokedAt = reader.TimeOrNull(7),
    };

    public static AgentRecord ReadAgent(NpgsqlDataReader reader) => new()
    {
        Tenant = reader.GetString(0),
        Id = reader.GetString(1),
        Name = reader.GetString(2),
        Type = reader.TextOrNull(3),
        Description = reader.TextOrNull(4),
        Capabilities = StoredJson.ReadList(reader.TextOrNull(5), CoreJsonContext.Default.IReadOnlyListCapability),
        MaxConcurrency = reader.GetInt32(6),
        Tags = StoredJson.ReadList(reader.TextOrNull(7), CoreJsonContext.Default.IReadOnlyListString),
        Metadata = StoredJson.ReadMap(reader.TextOrNull(8)),
        Supervisor = reader.TextOrNull(9),
        AdminState = StoredNames.ParseAdminState(reader.GetString(10)),
        CreatedAt = reader.Time(11),
        UpdatedAt = reader.Time(12),
        Version = reader.GetInt64(13),
    };
}
