namespace AgentMesh.Sqlite.Schema;

/// <summary>
/// Version 2. Named relay cursors over the events table read as an outbox: the last sequence each relay
/// (the NATS JetStream relay, a SIEM forwarder) has published. Events are read by their primary key.
/// </summary>
internal static class OutboxCursorsSchema
{
    public const string Sql = """
        CREATE TABLE outbox_cursors (
            name TEXT NOT NULL PRIMARY KEY,
            sequence INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;
}
