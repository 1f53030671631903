namespace AgentMesh.Sqlite.Audit;

/// <summary>
/// The audit database: entries and checkpoints, both append-only. The triggers make SQLite itself refuse an UPDATE or
/// DELETE, so a bug or a careless statement cannot rewrite history; someone with the file can still drop them,
/// which is what the chain and the signed checkpoints are for.
/// </summary>
internal static class AuditSchema
{
    public const int Version = 2;

    public const string Sql = """
        CREATE TABLE IF NOT EXISTS audit_entries (
            chain TEXT NOT NULL,
            seq INTEGER NOT NULL,
            time INTEGER NOT NULL,
            tenant TEXT,
            actor_type TEXT NOT NULL,
            actor_id TEXT,
            actor_ip TEXT,
            actor_user_agent TEXT,
            action TEXT NOT NULL,
            resource_type TEXT NOT NULL,
            resource_id TEXT,
            outcome TEXT NOT NULL,
            reason TEXT,
            request_id TEXT,
            trace_id TEXT,
            classification TEXT NOT NULL,
            details TEXT NOT NULL,
            prev_hash BLOB NOT NULL,
            hash BLOB NOT NULL,
            actor_subject TEXT,
            PRIMARY KEY (chain, seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS audit_entries_by_time ON audit_entries (time, chain, seq);
        CREATE INDEX IF NOT EXISTS audit_entries_by_tenant ON audit_entries (tenant, time, chain, seq);
        CREATE INDEX IF NOT EXISTS audit_entries_by_subject ON audit_entries (actor_subject, time, chain, seq);

        CREATE TABLE IF NOT EXISTS audit_checkpoints (
            chain TEXT NOT NULL,
            tree_size INTEGER NOT NULL,
            time INTEGER NOT NULL,
            root_hash BLOB NOT NULL,
            head_hash BLOB NOT NULL,
            key_id TEXT NOT NULL,
            signature BLOB NOT NULL,
            PRIMARY KEY (chain, tree_size)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS audit_forward_cursors (
            sink TEXT NOT NULL,
            chain TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (sink, chain)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS audit_subject_keys (
            subject TEXT NOT NULL PRIMARY KEY,
            wrapped_key BLOB NOT NULL,
            created INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_entries_no_delete BEFORE DELETE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
        BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
        BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;

        PRAGMA user_version = 2;
        """;

    /// <summary>From version 1: entries gain the subject lookup column (null for entries written before, whose fields are in clear).</summary>
    public const string FromVersion1 = "ALTER TABLE audit_entries ADD COLUMN actor_subject TEXT;";
}
