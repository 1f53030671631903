using AgentMesh.Agents;
using AgentMesh.Events;
using AgentMesh.Storage;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite.Tables;

/// <summary>The <c>agents</c> table: a prepared upsert on the write connection, and the row reader.</summary>
internal sealed class AgentsTable : IDisposable
{
    // Put and Read walk the columns in this order.
    private static readonly string[] Columns =
    [
        "tenant", "id", "name", "type", "description", "capabilities", "max_concurrency", "tags", "metadata",
        "supervisor", "admin_state", "created_at", "updated_at", "version",
    ];

    public static readonly string Select = $"SELECT {string.Join(", ", Columns)} FROM agents";

    private readonly SqliteCommand _upsert;

    public AgentsTable(SqliteConnection connection)
    {
        _upsert = Statement.Prepare(connection, Statement.Upsert("agents", Columns, ["tenant", "id"]), Columns);
    }

    public void Enlist(SqliteTransaction transaction) => _upsert.Transaction = transaction;

    public void Put(AgentRecord agent)
    {
        var p = _upsert.Parameters;
        var i = 0;
        p[i++].Value = agent.Tenant;
        p[i++].Value = agent.Id;
        p[i++].Value = agent.Name;
        p[i++].Value = DbValue.Text(agent.Type);
        p[i++].Value = DbValue.Text(agent.Description);
        p[i++].Value = StoredJson.WriteList(agent.Capabilities, CoreJsonContext.Default.IReadOnlyListCapability);
        p[i++].Value = agent.MaxConcurrency;
        p[i++].Value = StoredJson.WriteList(agent.Tags, CoreJsonContext.Default.IReadOnlyListString);
        p[i++].Value = StoredJson.WriteMap(agent.Metadata);
        p[i++].Value = DbValue.Text(agent.Supervisor);
        p[i++].Value = agent.AdminState.ToStored();
        p[i++].Value = DbValue.Ticks(agent.CreatedAt);
        p[i++].Value = DbValue.Ticks(agent.UpdatedAt);
        p[i].Value = agent.Version;
        _upsert.ExecuteNonQuery();
    }

    public static AgentRecord Read(SqliteDataReader reader) => new()
    {
        Tenant = reader.GetString(0),
        Id = reader.GetString(1),
        Name = reader.GetString(2),
        Type = reader.GetTextOrNull(3),
        Description = reader.GetTextOrNull(4),
        Capabilities = StoredJson.ReadList(reader, 5, CoreJsonContext.Default.IReadOnlyListCapability),
        MaxConcurrency = reader.GetInt32(6),
        Tags = StoredJson.ReadList(reader, 7, CoreJsonContext.Default.IReadOnlyListString),
        Metadata = StoredJson.ReadMap(reader, 8),
        Supervisor = reader.GetTextOrNull(9),
        AdminState = StoredNames.ParseAdminState(reader.GetString(10)),
        CreatedAt = reader.GetTime(11),
        UpdatedAt = reader.GetTime(12),
        Version = reader.GetInt64(13),
    };

    public void Dispose() => _upsert.Dispose();
}
