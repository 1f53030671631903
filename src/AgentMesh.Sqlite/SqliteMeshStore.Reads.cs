using AgentMesh.Agents;
using AgentMesh.Events;
using AgentMesh.Keys;
using AgentMesh.Sqlite.Tables;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.Tenants;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite;

public sealed partial class SqliteMeshStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<Tenant>> LoadTenantsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = TenantsTable.Select;
        return await ReadAllAsync(command, TenantsTable.Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApiKeyRecord>> LoadKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = KeysTable.Select;
        return await ReadAllAsync(command, KeysTable.Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AgentRecord>> LoadAgentsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = AgentsTable.Select;
        return await ReadAllAsync(command, AgentsTable.Read, cancellationToken);
    }

    /// <summary>Every task not in a terminal status, in id order.</summary>
    public async Task<IReadOnlyList<MeshTask>> LoadUnfinishedTasksAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Queries.UnfinishedTasks;
        return await ReadAllAsync(command, ReadTask, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<IdempotencyEntry>> LoadIdempotencyKeysAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Queries.IdempotencyKeys;
        command.Parameters.AddWithValue("@since", since.UtcTicks);
        return await ReadAllAsync(
            command,
            static reader => new IdempotencyEntry(reader.GetString(0), reader.GetString(1), reader.GetId(2), reader.GetTime(3)),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<MeshTask?> GetTaskAsync(string tenant, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Queries.TaskById;
        command.Parameters.AddWithValue("@id", DbValue.Id(id));
        command.Parameters.AddWithValue("@tenant", tenant);
        var found = await ReadAllAsync(command, ReadTask, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Newest first; <see cref="TaskQuery.Limit"/> is clamped to 1–1000.</summary>
    public async Task<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, Queries.MaxTaskPage);
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        Queries.ListTasks(command, query, limit);
        var items = await ReadAllAsync(command, ReadTask, cancellationToken);
        if (items.Count <= limit)
        {
            return new TaskPage(items, null);
        }

        items.RemoveAt(limit);
        return new TaskPage(items, items[^1].Id);
    }

    /// <summary>Oldest first; <see cref="EventQuery.Limit"/> is clamped to 1–10000.</summary>
    public async Task<IReadOnlyList<MeshEvent>> ReadEventsAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        Queries.ReadEvents(command, query);
        return await ReadAllAsync(command, EventsTable.Read, cancellationToken);
    }

    private MeshTask ReadTask(SqliteDataReader reader) => TasksTable.Read(reader, _protector);

    private static async Task<List<T>> ReadAllAsync<T>(SqliteCommand command, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(read(reader));
        }

        return items;
    }
}
