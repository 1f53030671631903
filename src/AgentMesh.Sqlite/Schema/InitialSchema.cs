namespace AgentMesh.Sqlite.Schema;

/// <summary>
/// Version 1. Ids are lowercase UUID text, so text order is time order (UUIDv7); times are UTC ticks;
/// sub-documents are JSON text. Indexes serve the engine's start-up loads and the API's listings without
/// scanning finished history; idempotency keys are not unique here because their 24 h window is the
/// engine's rule.
/// </summary>
internal static class InitialSchema
{
    public const string Sql = """
        CREATE TABLE tenants (
            id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            max_agents INTEGER NOT NULL,
            max_pending_tasks INTEGER NOT NULL,
            requests_per_second INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE api_keys (
            id TEXT NOT NULL PRIMARY KEY,
            tenant TEXT,
            name TEXT NOT NULL,
            roles TEXT,
            agent_id TEXT,
            secret_hash TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        ) WITHOUT ROWID;

        CREATE TABLE agents (
            tenant TEXT NOT NULL,
            id TEXT NOT NULL,
            name TEXT NOT NULL,
            type TEXT,
            description TEXT,
            capabilities TEXT,
            max_concurrency INTEGER NOT NULL,
            tags TEXT,
            metadata TEXT,
            supervisor TEXT,
            admin_state TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (tenant, id)
        ) WITHOUT ROWID;

        CREATE TABLE tasks (
            id TEXT NOT NULL PRIMARY KEY,
            type TEXT NOT NULL,
            status TEXT NOT NULL,
            output TEXT,
            error TEXT,
            requirements TEXT,
            priority INTEGER NOT NULL,
            deadline INTEGER,
            timeout INTEGER NOT NULL,
            max_attempts INTEGER NOT NULL,
            idempotency_key TEXT,
            target_agent TEXT,
            strategy TEXT NOT NULL,
            parent_task_id TEXT,
            workflow_id TEXT,
            correlation_id TEXT,
            labels TEXT,
            requires_approval INTEGER NOT NULL,
            required_success_rate REAL,
            cancel_requested INTEGER NOT NULL,
            progress TEXT,
            attempts TEXT,
            attempt_budget_start INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            next_attempt_at INTEGER,
            finished_at INTEGER,
            agent_id TEXT,
            lease_token TEXT,
            lease_expires_at INTEGER,
            trace_parent TEXT,
            version INTEGER NOT NULL,
            tenant TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            input TEXT NOT NULL
        );

        CREATE INDEX tasks_by_tenant ON tasks (tenant, id);
        CREATE INDEX tasks_by_status ON tasks (tenant, status, id);
        CREATE INDEX tasks_by_type ON tasks (tenant, type, id);
        CREATE INDEX tasks_by_agent ON tasks (tenant, agent_id, id) WHERE agent_id IS NOT NULL;
        CREATE INDEX tasks_by_correlation ON tasks (tenant, correlation_id, id) WHERE correlation_id IS NOT NULL;
        CREATE INDEX tasks_by_parent ON tasks (tenant, parent_task_id, id) WHERE parent_task_id IS NOT NULL;
        CREATE INDEX tasks_unfinished ON tasks (id) WHERE status IN ('pending', 'awaiting_approval', 'queued', 'running');
        CREATE INDEX tasks_by_idempotency ON tasks (created_at, tenant, idempotency_key, id) WHERE idempotency_key IS NOT NULL;

        CREATE TABLE events (
            sequence INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            tenant TEXT NOT NULL,
            type TEXT NOT NULL,
            subject TEXT NOT NULL,
            time INTEGER NOT NULL,
            task_id TEXT,
            agent_id TEXT,
            trace_parent TEXT,
            data BLOB NOT NULL
        );

        CREATE INDEX events_by_tenant ON events (tenant, sequence);
        CREATE INDEX events_by_task ON events (task_id, sequence) WHERE task_id IS NOT NULL;
        """;
}
