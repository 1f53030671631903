using AgentMesh.Events;
using Npgsql;

namespace AgentMesh.PostgreSql.Rows;

/// <summary>
/// The <c>events</c> table. One statement takes the next block of sequences from <c>event_sequence</c> and
/// inserts the commit's events numbered from it; the row lock it takes is held until the commit, so the
/// next transaction to number events (on any node) waits and numbers after it: sequences follow commit order.
/// </summary>
internal static class EventRows
{
    public const string SelectColumns = "sequence, id, tenant, type, subject, time, task_id, agent_id, trace_parent, data";

    private const string Insert = """
        WITH block AS (UPDATE event_sequence SET last = last + $1 RETURNING last)
        INSERT INTO events (sequence, id, tenant, type, subject, time, task_id, agent_id, trace_parent, data)
        SELECT block.last - $1 + e.ordinal, e.id, e.tenant, e.type, e.subject, e.time, e.task_id, e.agent_id, e.trace_parent, e.data
        FROM block, unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::uuid[], $8::text[], $9::text[], $10::bytea[])
            WITH ORDINALITY AS e(id, tenant, type, subject, time, task_id, agent_id, trace_parent, data, ordinal)
        """;

    /// <summary>Reads the last sequence after <see cref="ToInsert"/> in the same transaction: the events were numbered up to it.</summary>
    public const string LastSequence = "SELECT last FROM event_sequence";

    public static NpgsqlBatchCommand ToInsert(IReadOnlyList<MeshEvent> events)
    {
        var command = new NpgsqlBatchCommand(Insert);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<long> { TypedValue = events.Count });
        ColumnArrays.Add(p, events, static e => e.Id);
        ColumnArrays.Add(p, events, static e => e.Tenant);
        ColumnArrays.Add(p, events, static e => e.Type);
        ColumnArrays.Add(p, events, static e => e.Subject);
        ColumnArrays.Add(p, events, static e => e.Time.UtcTicks);
        ColumnArrays.Add(p, events, static e => e.TaskId);
        ColumnArrays.Add(p, events, static e => e.AgentId);
        ColumnArrays.Add(p, events, static e => e.TraceParent);
        ColumnArrays.Add(p, events, static e => e.Data);
        return command;
    }

    public static MeshEvent Read(NpgsqlDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        Id = reader.GetGuid(1),
        Tenant = reader.GetString(2),
        Type = reader.GetString(3),
        Subject = reader.GetString(4),
        Time = reader.Time(5),
        TaskId = reader.IdOrNull(6),
        AgentId = reader.TextOrNull(7),
        TraceParent = reader.TextOrNull(8),
        Data = reader.GetFieldValue<byte[]>(9),
    };
}
