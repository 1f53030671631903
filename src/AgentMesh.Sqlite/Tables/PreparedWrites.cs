using AgentMesh.Protection;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite.Tables;

/// <summary>Every write statement, compiled once on the write connection and reused for each row.</summary>
internal sealed class PreparedWrites : IDisposable
{
    public PreparedWrites(SqliteConnection connection, IPayloadProtector protector)
    {
        Tenants = new TenantsTable(connection);
        Keys = new KeysTable(connection);
        Agents = new AgentsTable(connection);
        Tasks = new TasksTable(connection, protector);
        Events = new EventsTable(connection);
    }

    public TenantsTable Tenants { get; }

    public KeysTable Keys { get; }

    public AgentsTable Agents { get; }

    public TasksTable Tasks { get; }

    public EventsTable Events { get; }

    public void Enlist(SqliteTransaction transaction)
    {
        Tenants.Enlist(transaction);
        Keys.Enlist(transaction);
        Agents.Enlist(transaction);
        Tasks.Enlist(transaction);
    }

    public void Dispose()
    {
        Tenants.Dispose();
        Keys.Dispose();
        Agents.Dispose();
        Tasks.Dispose();
        Events.Dispose();
    }
}
