using System.Text.RegularExpressions;
using Npgsql;

namespace AgentMesh.PostgreSql.Audit;

/// <summary>
/// The audit log's tables, in a schema of their own (<c>agentmesh_audit</c>). Entries and checkpoints are append-only in
/// the database itself: triggers refuse every UPDATE, DELETE and TRUNCATE. Installed by an administrator
/// (<see cref="InstallAsync"/>), the schema and its tables belong to the role <see cref="OwnerRole"/>, which cannot log
/// in, and the node's role only gets INSERT and SELECT on them: it can neither drop, truncate, alter nor disable the
/// triggers of the tables it writes. A node that finds no schema creates it under its own role, so a cluster starts
/// without the step, with the weaker guarantee (its role owns the tables); the installation can follow at any time.
/// </summary>
public static partial class PostgresAuditSchema
{
    public const string Schema = "agentmesh_audit";

    public const string OwnerRole = "agentmesh_audit_owner";

    // An arbitrary constant naming the audit schema's installation lock among the database's advisory locks.
    internal const long LockKey = 0x41474D_415544;

    internal const string Tables = """
        CREATE SCHEMA IF NOT EXISTS agentmesh_audit;

        CREATE TABLE IF NOT EXISTS agentmesh_audit.entries (
            chain text COLLATE "C" NOT NULL,
            seq bigint NOT NULL,
            time bigint NOT NULL,
            tenant text,
            actor_type text NOT NULL,
            actor_id text,
            actor_ip text,
            actor_user_agent text,
            action text NOT NULL,
            resource_type text NOT NULL,
            resource_id text,
            outcome text NOT NULL,
            reason text,
            request_id text,
            trace_id text,
            classification text NOT NULL,
            details text NOT NULL,
            prev_hash bytea NOT NULL,
            hash bytea NOT NULL,
            actor_subject text,
            PRIMARY KEY (chain, seq)
        );
        CREATE INDEX IF NOT EXISTS entries_by_time ON agentmesh_audit.entries (time, chain, seq);
        CREATE INDEX IF NOT EXISTS entries_by_tenant ON agentmesh_audit.entries (tenant, time, chain, seq);
        CREATE INDEX IF NOT EXISTS entries_by_subject ON agentmesh_audit.entries (actor_subject, time, chain, seq);

        CREATE TABLE IF NOT EXISTS agentmesh_audit.checkpoints (
            chain text COLLATE "C" NOT NULL,
            tree_size bigint NOT NULL,
            time bigint NOT NULL,
            root_hash bytea NOT NULL,
            head_hash bytea NOT NULL,
            key_id text NOT NULL,
            signature bytea NOT NULL,
            PRIMARY KEY (chain, tree_size)
        );

        CREATE TABLE IF NOT EXISTS agentmesh_audit.forward_cursors (
            sink text NOT NULL,
            chain text NOT NULL,
            seq bigint NOT NULL,
            PRIMARY KEY (sink, chain)
        );

        CREATE TABLE IF NOT EXISTS agentmesh_audit.subject_keys (
            subject text NOT NULL PRIMARY KEY,
            wrapped_key bytea NOT NULL,
            created timestamptz NOT NULL DEFAULT now()
        );

        CREATE OR REPLACE FUNCTION agentmesh_audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit % are append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
        END
        $$;

        CREATE OR REPLACE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON agentmesh_audit.entries
            FOR EACH ROW EXECUTE FUNCTION agentmesh_audit.refuse_change();
        CREATE OR REPLACE TRIGGER entries_no_truncate BEFORE TRUNCATE ON agentmesh_audit.entries
            FOR EACH STATEMENT EXECUTE FUNCTION agentmesh_audit.refuse_change();
        CREATE OR REPLACE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON agentmesh_audit.checkpoints
            FOR EACH ROW EXECUTE FUNCTION agentmesh_audit.refuse_change();
        CREATE OR REPLACE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON agentmesh_audit.checkpoints
            FOR EACH STATEMENT EXECUTE FUNCTION agentmesh_audit.refuse_change();
        """;

    /// <summary>
    /// Installs (or re-owns) the schema as an administrator — a superuser, or a role that may create roles and owns the
    /// database — and grants <paramref name="nodeRole"/> only what a node needs: INSERT and SELECT on entries and
    /// checkpoints, INSERT, SELECT and UPDATE on forwarding cursors, INSERT, SELECT and DELETE on subject keys (erasure).
    /// </summary>
    public static async Task InstallAsync(string adminConnectionString, string nodeRole, CancellationToken cancellationToken)
    {
        if (!RoleName().IsMatch(nodeRole))
        {
            throw new ArgumentException($"'{nodeRole}' is not a plain PostgreSQL role name (letters, digits, '_', '$').", nameof(nodeRole));
        }

        var node = "\"" + nodeRole + "\"";
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var sql = $"""
            SELECT pg_advisory_xact_lock({LockKey});
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OwnerRole}') THEN
                    CREATE ROLE {OwnerRole} NOLOGIN;
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL; -- Roles belong to the whole server: an install into another database created it meanwhile.
            END $$;
            {Tables}
            ALTER SCHEMA agentmesh_audit OWNER TO {OwnerRole};
            ALTER TABLE agentmesh_audit.entries OWNER TO {OwnerRole};
            ALTER TABLE agentmesh_audit.checkpoints OWNER TO {OwnerRole};
            ALTER TABLE agentmesh_audit.forward_cursors OWNER TO {OwnerRole};
            ALTER TABLE agentmesh_audit.subject_keys OWNER TO {OwnerRole};
            ALTER FUNCTION agentmesh_audit.refuse_change() OWNER TO {OwnerRole};
            REVOKE ALL ON SCHEMA agentmesh_audit FROM PUBLIC, {node};
            REVOKE ALL ON ALL TABLES IN SCHEMA agentmesh_audit FROM PUBLIC, {node};
            GRANT USAGE ON SCHEMA agentmesh_audit TO {node};
            GRANT SELECT, INSERT ON agentmesh_audit.entries, agentmesh_audit.checkpoints TO {node};
            GRANT SELECT, INSERT, UPDATE ON agentmesh_audit.forward_cursors TO {node};
            GRANT SELECT, INSERT, DELETE ON agentmesh_audit.subject_keys TO {node};
            """;
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// What a node does on start: creates the schema under its own role when there is none, brings tables it owns up to
    /// date, and leaves a schema installed by an administrator alone. Returns the schema's owner.
    /// </summary>
    internal static async Task<string> EnsureAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        string? owner;
        string user;
        await using (var command = new NpgsqlCommand("SELECT (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'agentmesh_audit'), current_user::text", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            owner = reader.IsDBNull(0) ? null : reader.GetString(0);
            user = reader.GetString(1);
        }

        if (owner is null || owner == user)
        {
            await using var command = new NpgsqlCommand(Tables, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
            owner = user;
        }

        await transaction.CommitAsync(cancellationToken);
        return owner;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_$]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex RoleName();
}
