using AgentMesh.Events;
using AgentMesh.Sqlite.Tables;

namespace AgentMesh.Sqlite;

public sealed partial class SqliteMeshStore
{
    /// <summary>Oldest first, by the events' primary key; <paramref name="limit"/> is clamped to 1–10000.</summary>
    public async Task<IReadOnlyList<MeshEvent>> ReadOutboxAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Queries.Outbox;
        command.Parameters.AddWithValue("@after", afterSequence);
        command.Parameters.AddWithValue("@limit", Math.Clamp(limit, 1, Queries.MaxEventPage));
        return await ReadAllAsync(command, EventsTable.Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> LastSequenceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        return await LastSequenceAsync(connection, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> LoadCursorAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Queries.LoadCursor;
        command.Parameters.AddWithValue("@name", name);
        return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : 0;
    }

    /// <summary>Saves the cursor on the write connection, between commits; a lower value than the saved one is ignored.</summary>
    public async Task SaveCursorAsync(string name, long sequence, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var write = _write ?? throw NotInitialized();
            await using var command = write.CreateCommand();
            command.CommandText = Queries.SaveCursor;
            command.Parameters.AddWithValue("@name", name);
            command.Parameters.AddWithValue("@sequence", sequence);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
