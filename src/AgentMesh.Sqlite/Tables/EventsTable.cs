using AgentMesh.Events;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite.Tables;

/// <summary>The <c>events</c> table, keyed by the sequence the store assigns: a prepared insert, and the row reader.</summary>
internal sealed class EventsTable : IDisposable
{
    // Add and Read walk the columns in this order.
    private static readonly string[] Columns = ["sequence", "id", "tenant", "type", "subject", "time", "task_id", "agent_id", "trace_parent", "data"];

    public static readonly string SelectColumns = string.Join(", ", Columns);

    private readonly PositionalStatement _insert;

    public EventsTable(SqliteConnection connection)
    {
        _insert = new PositionalStatement(connection, Statement.Insert("events", Columns), Columns);
    }

    public void Add(MeshEvent meshEvent, long sequence)
    {
        var p = _insert;
        var i = 0;
        p.Set(i++, sequence);
        p.Set(i++, DbValue.Id(meshEvent.Id));
        p.Set(i++, meshEvent.Tenant);
        p.Set(i++, meshEvent.Type);
        p.Set(i++, meshEvent.Subject);
        p.Set(i++, DbValue.Ticks(meshEvent.Time));
        p.Set(i++, DbValue.Id(meshEvent.TaskId));
        p.Set(i++, DbValue.Text(meshEvent.AgentId));
        p.Set(i++, DbValue.Text(meshEvent.TraceParent));
        p.Set(i, meshEvent.Data);
        _insert.Execute();
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
