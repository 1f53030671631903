using AgentMesh.Events;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite.Tables;

/// <summary>The <c>events</c> table, keyed by the sequence the store assigns: a prepared insert, and the row reader.</summary>
internal sealed class EventsTable : IDisposable
{
    // Add and Read walk the columns in this order.
    private static readonly string[] Columns = ["sequence", "id", "tenant", "type", "subject", "time", "task_id", "agent_id", "trace_parent", "data"];

    public static readonly string SelectColumns = string.Join(", ", Columns);

    private readonly SqliteCommand _insert;

    public EventsTable(SqliteConnection connection)
    {
        _insert = Statement.Prepare(connection, Statement.Insert("events", Columns), Columns);
    }

    public void Enlist(SqliteTransaction transaction) => _insert.Transaction = transaction;

    public void Add(MeshEvent meshEvent, long sequence)
    {
        var p = _insert.Parameters;
        var i = 0;
        p[i++].Value = sequence;
        p[i++].Value = DbValue.Id(meshEvent.Id);
        p[i++].Value = meshEvent.Tenant;
        p[i++].Value = meshEvent.Type;
        p[i++].Value = meshEvent.Subject;
        p[i++].Value = DbValue.Ticks(meshEvent.Time);
        p[i++].Value = DbValue.Id(meshEvent.TaskId);
        p[i++].Value = DbValue.Text(meshEvent.AgentId);
        p[i++].Value = DbValue.Text(meshEvent.TraceParent);
        p[i].Value = meshEvent.Data;
        _insert.ExecuteNonQuery();
    }

    public static MeshEvent Read(SqliteDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        Id = reader.GetId(1),
        Tenant = reader.GetString(2),
        Type = reader.GetString(3),
        Subject = reader.GetString(4),
        Time = reader.GetTime(5),
        TaskId = reader.GetIdOrNull(6),
        AgentId = reader.GetTextOrNull(7),
        TraceParent = reader.GetTextOrNull(8),
        Data = reader.GetFieldValue<byte[]>(9),
    };

    public void Dispose() => _insert.Dispose();
}
