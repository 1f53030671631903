using AgentMesh.Events;
using AgentMesh.Keys;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite.Tables;

/// <summary>The <c>api_keys</c> table: a prepared upsert on the write connection, and the row reader.</summary>
internal sealed class KeysTable : IDisposable
{
    // Put and Read walk the columns in this order.
    private static readonly string[] Columns = ["id", "tenant", "name", "roles", "agent_id", "secret_hash", "created_at", "revoked_at"];

    public static readonly string Select = $"SELECT {string.Join(", ", Columns)} FROM api_keys";

    private readonly SqliteCommand _upsert;

    public KeysTable(SqliteConnection connection)
    {
        _upsert = Statement.Prepare(connection, Statement.Upsert("api_keys", Columns, ["id"]), Columns);
    }

    public void Enlist(SqliteTransaction transaction) => _upsert.Transaction = transaction;

    public void Put(ApiKeyRecord key)
    {
        var p = _upsert.Parameters;
        var i = 0;
        p[i++].Value = key.Id;
        p[i++].Value = DbValue.Text(key.Tenant);
        p[i++].Value = key.Name;
        p[i++].Value = StoredJson.WriteList(key.Roles, CoreJsonContext.Default.IReadOnlyListString);
        p[i++].Value = DbValue.Text(key.AgentId);
        p[i++].Value = key.SecretHash;
        p[i++].Value = DbValue.Ticks(key.CreatedAt);
        p[i].Value = DbValue.Ticks(key.RevokedAt);
        _upsert.ExecuteNonQuery();
    }

    public static ApiKeyRecord Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Tenant = reader.GetTextOrNull(1),
        Name = reader.GetString(2),
        Roles = StoredJson.ReadList(reader, 3, CoreJsonContext.Default.IReadOnlyListString),
        AgentId = reader.GetTextOrNull(4),
        SecretHash = reader.GetString(5),
        CreatedAt = reader.GetTime(6),
        RevokedAt = reader.GetTimeOrNull(7),
    };

    public void Dispose() => _upsert.Dispose();
}
