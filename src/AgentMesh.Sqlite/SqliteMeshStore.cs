using AgentMesh.Protection;
using AgentMesh.Sqlite.Schema;
using AgentMesh.Sqlite.Tables;
using AgentMesh.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Commits go through one dedicated write connection
/// whose statements are compiled once; reads use pooled read-only connections and run alongside a commit.
/// Call <see cref="InitializeAsync"/> before anything else.
/// </summary>
public sealed partial class SqliteMeshStore : IMeshStore, IEventOutbox
{
    private const int BusyTimeoutMilliseconds = 5_000;

    private readonly string _path;
    private readonly SqliteSynchronous _synchronous;
    private readonly TimeSpan _checkpointInterval;
    private readonly ILogger<SqliteMeshStore> _logger;
    private readonly string _writeConnectionString;
    private readonly string _readConnectionString;
    private readonly IPayloadProtector _protector;

    // Serializes commits, initialization and disposal on the one write connection.
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private SqliteConnection? _write;
    private PreparedWrites? _writes;
    private long _lastSequence;
    private volatile bool _disposed;

    /// <summary>The schema version the database is at, once <see cref="InitializeAsync"/> has run.</summary>
    public int SchemaVersion { get; private set; }

    /// <summary>The schema version <see cref="InitializeAsync"/> found before migrating (0 for a new database): what an upgrade started from.</summary>
    public int PreviousSchemaVersion { get; private set; }

    /// <summary>The database file.</summary>
    public string FilePath => _path;

    /// <summary>Creates a store for the file in <paramref name="options"/> that keeps task input and output in clear.</summary>
    public SqliteMeshStore(SqliteStoreOptions options, ILogger<SqliteMeshStore> logger)
        : this(options, logger, PlaintextPayloads.Instance)
    {
    }

    /// <summary>
    /// Creates a store for the file in <paramref name="options"/> that keeps task input and output through
    /// <paramref name="protector"/>; nothing is opened until <see cref="InitializeAsync"/>.
    /// </summary>
    public SqliteMeshStore(SqliteStoreOptions options, ILogger<SqliteMeshStore> logger, IPayloadProtector protector)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(protector);
        _protector = protector;
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        if (!Enum.IsDefined(options.Synchronous))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Synchronous, "Synchronous must be Full or Normal.");
        }

        _path = Path.GetFullPath(options.Path);
        _synchronous = options.Synchronous;
        _checkpointInterval = options.CheckpointInterval > TimeSpan.Zero
            ? options.CheckpointInterval
            : throw new ArgumentOutOfRangeException(nameof(options), options.CheckpointInterval, "CheckpointInterval must be positive.");
        _logger = logger;
        _writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
        }.ToString();
    }

    /// <summary>Opens the file (creating it and its folder if missing) and migrates the schema to this version. Calling it again does nothing.</summary>
    /// <exception cref="InvalidOperationException">
    /// The database was written by a newer version of AgentMesh, or its newest tasks cannot be read with the keys at hand.
    /// </exception>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_write is not null)
            {
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var connection = new SqliteConnection(_writeConnectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                await ConfigureAsync(connection, cancellationToken);
                (PreviousSchemaVersion, var schemaVersion) = await Migrations.ApplyAsync(connection, _path, _logger, cancellationToken);
                SchemaVersion = schemaVersion;
                _lastSequence = await LastSequenceAsync(connection, cancellationToken);
                await CheckProtectionAsync(connection, cancellationToken);
                _writes = new PreparedWrites(connection, _protector);
                _write = connection;
                _checkpointLoop = CheckpointLoopAsync(_checkpointInterval, _checkpointStop.Token);
                SqliteStoreLog.Opened(_logger, _path, schemaVersion, _synchronous, _lastSequence);
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

    /// <summary>True when a read connection reads the schema version from the file; false on any failure, never throws.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenReadAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            // Reads a table, not a constant: "SELECT 1" succeeds on a pooled connection even when the file cannot be read.
            command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }
        catch (Exception exception)
        {
            SqliteStoreLog.PingFailed(_logger, exception);
            return false;
        }
    }

    /// <summary>Waits for a commit in progress, closes every connection and checkpoints the write-ahead log into the database file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync(CancellationToken.None);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await StopCheckpointsAsync();
            _writes?.Dispose();
            _writes = null;
            using (var pooled = new SqliteConnection(_readConnectionString))
            {
                SqliteConnection.ClearPool(pooled);
            }

            if (_write is { } write)
            {
                _write = null;
                await CheckpointAsync(write);
                await write.DisposeAsync();
                SqliteStoreLog.Closed(_logger, _path);
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task ConfigureAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL";
        var mode = (string?)await command.ExecuteScalarAsync(cancellationToken);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The database '{_path}' could not be switched to WAL mode (it is in '{mode}' mode).");
        }

        var synchronous = _synchronous == SqliteSynchronous.Normal ? "NORMAL" : "FULL";

        // A large page cache keeps the task indexes' upper levels in memory; temp_store keeps sorts off disk.
        command.CommandText = $"""
            PRAGMA synchronous = {synchronous};
            PRAGMA foreign_keys = OFF;
            PRAGMA busy_timeout = {BusyTimeoutMilliseconds};
            PRAGMA temp_store = MEMORY;
            PRAGMA cache_size = -32768;
            PRAGMA journal_size_limit = 67108864;
            PRAGMA wal_autocheckpoint = 0;
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> LastSequenceAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(sequence), 0) FROM events";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    private async Task CheckpointAsync(SqliteConnection write)
    {
        try
        {
            await using var command = write.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (SqliteException exception)
        {
            SqliteStoreLog.CheckpointFailed(_logger, _path, exception);
        }
    }

    private async Task<SqliteConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_write is null)
        {
            throw NotInitialized();
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

    private static InvalidOperationException NotInitialized() => new("The store is not open: call InitializeAsync first.");
}
