namespace AgentMesh.PostgreSql.Schema;

/// <summary>
/// Version 1. Task ids are <c>uuid</c> (UUIDv7, so id order is time order); times are UTC ticks in
/// <c>bigint</c>, exact to the tick like the embedded store; sub-documents are JSON text. Every table that
/// holds a tenant's data has row-level security, forced for the owner too: a session sees the rows of the
/// tenant named by the transaction setting <c>agentmesh.tenant</c>, all rows when it is <c>*</c> (the
/// engine's own cross-tenant work), and nothing when it is unset. <c>event_sequence</c> is one row whose
/// lock orders commits, so event sequences are assigned in commit order across every node.
/// </summary>
internal static class InitialSchema
{
    public const string Sql = """
        CREATE TABLE tenants (
            id text NOT NULL PRIMARY KEY,
            name text NOT NULL,
            status text NOT NULL,
            created_at bigint NOT NULL,
            max_agents integer NOT NULL,
            max_pending_tasks integer NOT NULL,
            requests_per_second integer NOT NULL
        );

        CREATE TABLE api_keys (
            id text NOT NULL PRIMARY KEY,
            tenant text,
            name text NOT NULL,
            roles text,
            agent_id text,
            secret_hash text NOT NULL,
            created_at bigint NOT NULL,
            revoked_at bigint
        );

        CREATE TABLE agents (
            tenant text NOT NULL,
            id text NOT NULL,
            name text NOT NULL,
            type text,
            description text,
            capabilities text,
            max_concurrency integer NOT NULL,
            tags text,
            metadata text,
            supervisor text,
            admin_state text NOT NULL,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            version bigint NOT NULL,
            PRIMARY KEY (tenant, id)
        );

        CREATE TABLE tasks (
            id uuid NOT NULL PRIMARY KEY,
            status text NOT NULL,
            output text,
            error text,
            cancel_requested boolean NOT NULL,
            progress text,
            attempts text,
            attempt_budget_start integer NOT NULL,
            updated_at bigint NOT NULL,
            next_attempt_at bigint,
            finished_at bigint,
            agent_id text,
            lease_token text,
            lease_expires_at bigint,
            version bigint NOT NULL,
            requirements text,
            priority integer NOT NULL,
            deadline bigint,
            timeout integer NOT NULL,
            max_attempts integer NOT NULL,
            target_agent text,
            strategy text NOT NULL,
            labels text,
            requires_approval boolean NOT NULL,
            required_success_rate double precision,
            trace_parent text,
            tenant text NOT NULL,
            type text NOT NULL,
            idempotency_key text,
            parent_task_id uuid,
            workflow_id uuid,
            correlation_id text,
            created_at bigint NOT NULL,
            input text NOT NULL
        ) WITH (fillfactor = 80);

        CREATE INDEX tasks_by_tenant ON tasks (tenant, id);
        CREATE INDEX tasks_by_status ON tasks (tenant, status, id);
        CREATE INDEX tasks_by_type ON tasks (tenant, type, id);
        CREATE INDEX tasks_by_agent ON tasks (tenant, agent_id, id) WHERE agent_id IS NOT NULL;
        CREATE INDEX tasks_by_correlation ON tasks (tenant, correlation_id, id) WHERE correlation_id IS NOT NULL;
        CREATE INDEX tasks_by_parent ON tasks (tenant, parent_task_id, id) WHERE parent_task_id IS NOT NULL;
        CREATE INDEX tasks_unfinished ON tasks (id) WHERE status IN ('pending', 'awaiting_approval', 'queued', 'running');
        CREATE INDEX tasks_by_idempotency ON tasks (created_at) INCLUDE (tenant, idempotency_key, id) WHERE idempotency_key IS NOT NULL;

        CREATE TABLE events (
            sequence bigint NOT NULL PRIMARY KEY,
            id uuid NOT NULL,
            tenant text NOT NULL,
            type text NOT NULL,
            subject text NOT NULL,
            time bigint NOT NULL,
            task_id uuid,
            agent_id text,
            trace_parent text,
            data bytea NOT NULL
        );

        CREATE INDEX events_by_tenant ON events (tenant, sequence);
        CREATE INDEX events_by_task ON events (task_id, sequence) WHERE task_id IS NOT NULL;

        CREATE TABLE event_sequence (
            only_row boolean NOT NULL PRIMARY KEY DEFAULT true CHECK (only_row),
            last bigint NOT NULL
        );
        INSERT INTO event_sequence (last) VALUES (0);

        CREATE TABLE outbox_cursors (
            name text NOT NULL PRIMARY KEY,
            sequence bigint NOT NULL
        );

        ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
        ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON tenants
            USING (id = current_setting('agentmesh.tenant', true) OR current_setting('agentmesh.tenant', true) = '*');

        ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
        ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON api_keys
            USING (tenant = current_setting('agentmesh.tenant', true) OR current_setting('agentmesh.tenant', true) = '*');

        ALTER TABLE agents ENABLE ROW LEVEL SECURITY;
        ALTER TABLE agents FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON agents
            USING (tenant = current_setting('agentmesh.tenant', true) OR current_setting('agentmesh.tenant', true) = '*');

        ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
        ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON tasks
            USING (tenant = current_setting('agentmesh.tenant', true) OR current_setting('agentmesh.tenant', true) = '*');

        ALTER TABLE events ENABLE ROW LEVEL SECURITY;
        ALTER TABLE events FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON events
            USING (tenant = current_setting('agentmesh.tenant', true) OR current_setting('agentmesh.tenant', true) = '*');
        """;
}
