using AgentMesh.Tenants;
using AgentMesh.Storage;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite.Tables;

/// <summary>The <c>tenants</c> table: a prepared upsert on the write connection, and the row reader.</summary>
internal sealed class TenantsTable : IDisposable
{
    // Put and Read walk the columns in this order.
    private static readonly string[] Columns = ["id", "name", "status", "created_at", "max_agents", "max_pending_tasks", "requests_per_second"];

    public static readonly string Select = $"SELECT {string.Join(", ", Columns)} FROM tenants";

    private readonly SqliteCommand _upsert;

    public TenantsTable(SqliteConnection connection)
    {
        _upsert = Statement.Prepare(connection, Statement.Upsert("tenants", Columns, ["id"]), Columns);
    }

    public void Enlist(SqliteTransaction transaction) => _upsert.Transaction = transaction;

    public void Put(Tenant tenant)
    {
        var p = _upsert.Parameters;
        var i = 0;
        p[i++].Value = tenant.Id;
        p[i++].Value = tenant.Name;
        p[i++].Value = tenant.Status.ToStored();
        p[i++].Value = DbValue.Ticks(tenant.CreatedAt);
        p[i++].Value = tenant.Quotas.MaxAgents;
        p[i++].Value = tenant.Quotas.MaxPendingTasks;
        p[i].Value = tenant.Quotas.RequestsPerSecond;
        _upsert.ExecuteNonQuery();
    }

    public static Tenant Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Status = StoredNames.ParseTenantStatus(reader.GetString(2)),
        CreatedAt = reader.GetTime(3),
        Quotas = new TenantQuotas(reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6)),
    };

    public void Dispose() => _upsert.Dispose();
}
