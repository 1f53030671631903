using System.Runtime.CompilerServices;
using AgentMesh.Audit;
using AgentMesh.Sqlite.Tables;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite.Audit;

/// <summary>
/// The embedded audit store: its own SQLite file (<c>audit.db</c>) in WAL mode, so audit writes never wait for the
/// task store's single writer. One write connection takes the appender's batches; reads use pooled read-only
/// connections.
/// </summary>
public sealed partial class SqliteAuditStore : IAuditStore
{
    private readonly string _path;
    private readonly string _readConnectionString;
    private readonly string _writeConnectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly bool _readOnly;
    private SqliteConnection? _write;
    private PositionalStatement? _insertEntry;
    private bool _open;

    public SqliteAuditStore(string path)
        : this(path, readOnly: false)
    {
    }

    private SqliteAuditStore(string path, bool readOnly)
    {
        _readOnly = readOnly;
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
        _writeConnectionString = new SqliteConnectionStringBuilder { DataSource = _path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder { DataSource = _path, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
    }

    public string FilePath => _path;

    /// <summary>A store that only reads an existing file and never changes it: for verifying a copy of a node's data offline.</summary>
    public static SqliteAuditStore OpenReadOnly(string path) => new(path, readOnly: true);

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            if (_open)
            {
                return;
            }

            if (_readOnly)
            {
                if (!File.Exists(_path))
                {
                    throw new FileNotFoundException($"There is no audit database at '{_path}'.", _path);
                }

                _open = true;
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var connection = new SqliteConnection(_writeConnectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                await using (var command = connection.CreateCommand())
                {
                    // secure_delete overwrites an erased subject key's bytes instead of leaving them in a free page.
                    command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON;";
                    await command.ExecuteNonQueryAsync(cancellationToken);
                    command.CommandText = "PRAGMA user_version";
                    var version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
                    if (version > AuditSchema.Version)
                    {
                        throw new InvalidOperationException($"The audit database '{_path}' was written by a newer version of AgentMesh (schema {version}).");
                    }

                    if (version == 1)
                    {
                        command.CommandText = AuditSchema.FromVersion1;
                        await command.ExecuteNonQueryAsync(cancellationToken);
                    }

                    command.CommandText = AuditSchema.Sql;
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                _write = connection;
                _open = true;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries, AuditCheckpoint? checkpoint, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var connection = _write ?? throw new InvalidOperationException("The audit store is not open: call InitializeAsync first.");
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            if (entries.Count > 0)
            {
                _insertEntry ??= AuditRows.InsertEntry(connection);
                foreach (var entry in entries)
                {
                    AuditRows.Insert(_insertEntry, entry);
                }
            }

            if (checkpoint is not null)
            {
                await using var insert = AuditRows.InsertCheckpoint(connection, transaction, checkpoint);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<IReadOnlyList<string>> ReadChainsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT chain FROM audit_entries ORDER BY chain";
        var chains = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            chains.Add(reader.GetString(0));
        }

        return chains;
    }

    public async Task<AuditEntry?> ReadLastAsync(string chain, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AuditRows.Columns} FROM audit_entries WHERE chain = @chain ORDER BY seq DESC LIMIT 1";
        command.Parameters.AddWithValue("@chain", chain);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? AuditEntryRows.Read(reader) : null;
    }

    public async IAsyncEnumerable<AuditEntry> ReadAsync(string chain, long fromSequence, long toSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AuditRows.Columns} FROM audit_entries WHERE chain = @chain AND seq BETWEEN @from AND @to ORDER BY seq";
        command.Parameters.AddWithValue("@chain", chain);
        command.Parameters.AddWithValue("@from", fromSequence);
        command.Parameters.AddWithValue("@to", toSequence);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return AuditEntryRows.Read(reader);
        }
    }

    public async Task<IReadOnlyList<byte[]>> ReadHashesAsync(string chain, long toSequence, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT hash FROM audit_entries WHERE chain = @chain AND seq <= @to ORDER BY seq";
        command.Parameters.AddWithValue("@chain", chain);
        command.Parameters.AddWithValue("@to", toSequence);
        var hashes = new List<byte[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hashes.Add((byte[])reader.GetValue(0));
        }

        return hashes;
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(string chain, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT chain, tree_size, time, root_hash, head_hash, key_id, signature FROM audit_checkpoints WHERE chain = @chain ORDER BY tree_size";
        command.Parameters.AddWithValue("@chain", chain);
        var checkpoints = new List<AuditCheckpoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(new AuditCheckpoint(
                reader.GetString(0),
                reader.GetInt64(1),
                AuditEncoding.FromMicroseconds(reader.GetInt64(2)),
                (byte[])reader.GetValue(3),
                (byte[])reader.GetValue(4),
                reader.GetString(5),
                (byte[])reader.GetValue(6)));
        }

        return checkpoints;
    }

    public async Task<long> ReadCursorAsync(string sink, string chain, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq FROM audit_forward_cursors WHERE sink = @sink AND chain = @chain";
        command.Parameters.AddWithValue("@sink", sink);
        command.Parameters.AddWithValue("@chain", chain);
        return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : 0;
    }

    public async Task SaveCursorAsync(string sink, string chain, long sequence, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var connection = _write ?? throw new InvalidOperationException("The audit store is not open for writing.");
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO audit_forward_cursors (sink, chain, seq) VALUES (@sink, @chain, @seq) ON CONFLICT (sink, chain) DO UPDATE SET seq = excluded.seq";
            command.Parameters.AddWithValue("@sink", sink);
            command.Parameters.AddWithValue("@chain", chain);
            command.Parameters.AddWithValue("@seq", sequence);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = AuditRows.Query(connection, query);
        return await AuditEntryRows.ReadPageAsync(command, query.Limit, cancellationToken);
    }

    public async Task<byte[]> AddSubjectKeyAsync(string tag, byte[] wrappedKey, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var connection = _write ?? throw new InvalidOperationException("The audit store is not open for writing.");
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO audit_subject_keys (subject, wrapped_key, created) VALUES (@subject, @key, @created) ON CONFLICT (subject) DO NOTHING; SELECT wrapped_key FROM audit_subject_keys WHERE subject = @subject";
            command.Parameters.AddWithValue("@subject", tag);
            command.Parameters.AddWithValue("@key", wrappedKey);
            command.Parameters.AddWithValue("@created", AuditEncoding.ToMicroseconds(DateTimeOffset.UtcNow));
            return (byte[])(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<IReadOnlyDictionary<string, byte[]>> ReadSubjectKeysAsync(IReadOnlyCollection<string> tags, CancellationToken cancellationToken)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (tags.Count == 0)
        {
            return keys;
        }

        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT subject, wrapped_key FROM audit_subject_keys WHERE subject IN (SELECT value FROM json_each(@tags))";
        command.Parameters.AddWithValue("@tags", System.Text.Json.JsonSerializer.Serialize(tags.ToArray(), AuditStoreJson.Default.StringArray));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys[reader.GetString(0)] = (byte[])reader.GetValue(1);
        }

        return keys;
    }

    public async Task<bool> DeleteSubjectKeyAsync(string tag, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var connection = _write ?? throw new InvalidOperationException("The audit store is not open for writing.");
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM audit_subject_keys WHERE subject = @subject";
            command.Parameters.AddWithValue("@subject", tag);
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken) > 0;

            // Until a checkpoint the old page may still sit in the write-ahead log; readers can hold it back, so this is best effort.
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            command.Parameters.Clear();
            await command.ExecuteNonQueryAsync(cancellationToken);
            return deleted;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync(CancellationToken.None);
        try
        {
            _insertEntry?.Dispose();
            _insertEntry = null;
            if (_write is not null)
            {
                await _write.DisposeAsync();
                _write = null;
            }

            if (_open)
            {
                _open = false;
                SqliteConnection.ClearPool(new SqliteConnection(_readConnectionString));
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<SqliteConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        if (!_open)
        {
            throw new InvalidOperationException("The audit store is not open: call InitializeAsync first.");
        }

        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
