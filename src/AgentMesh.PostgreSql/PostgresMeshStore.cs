using AgentMesh.PostgreSql.Schema;
using AgentMesh.Protection;
using AgentMesh.Storage;
using Microsoft.Extensions.Logging;
using AgentMesh.PostgreSql.Rows;
using Npgsql;

namespace AgentMesh.PostgreSql;

/// <summary>
/// The cluster store: PostgreSQL, shared by every node, the system of record. A commit is one transaction
/// sent as one batch of multi-row statements (arrays unnested server-side), whatever the number of change
/// sets; reads run on pooled connections. Every statement runs with the transaction setting
/// <c>agentmesh.tenant</c> so row-level security confines it to one tenant (or, for the engine's own
/// cross-tenant work, to all of them). Call <see cref="InitializeAsync"/> before anything else.
/// </summary>
public sealed partial class PostgresMeshStore : IMeshStore, IEventOutbox
{
    /// <summary>The <c>agentmesh.tenant</c> value that lets a transaction see every tenant's rows.</summary>
    internal const string AllTenants = "*";

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresMeshStore> _logger;
    private readonly IPayloadProtector _protector;
    private volatile bool _initialized;
    private volatile bool _disposed;

    /// <summary>
    /// Set on a cluster node while it leads: every commit then first checks, under a share lock, that the
    /// node still holds the leader lease at this epoch, and fails otherwise. Null (no check) for a store used alone.
    /// </summary>
    public LeaderFence? Fence { get; set; }

    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>The schema version the database is at, once <see cref="InitializeAsync"/> has run.</summary>
    public int SchemaVersion { get; private set; }

    /// <summary>The schema version <see cref="InitializeAsync"/> found before migrating (0 for a new database): what an upgrade started from.</summary>
    public int PreviousSchemaVersion { get; private set; }

    /// <summary>Host and database, for messages (never the password).</summary>
    public string Description
    {
        get
        {
            var connection = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"{connection.Database} on {connection.Host}:{connection.Port}";
        }
    }

    /// <summary>Creates a store for the connection string in <paramref name="options"/> that keeps task input and output in clear.</summary>
    public PostgresMeshStore(PostgresStoreOptions options, ILoggerFactory loggerFactory)
        : this(options, loggerFactory, PlaintextPayloads.Instance)
    {
    }

    /// <summary>
    /// Creates a store for the connection string in <paramref name="options"/> that keeps task input and output through
    /// <paramref name="protector"/>; nothing is opened until <see cref="InitializeAsync"/>.
    /// </summary>
    public PostgresMeshStore(PostgresStoreOptions options, ILoggerFactory loggerFactory, IPayloadProtector protector)
    {
        ArgumentNullException.ThrowIfNull(protector);
        _protector = protector;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("A PostgreSQL connection string is required (ConnectionStrings:Postgres).", nameof(options));
        }

        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);

        // The commit and read statements are few and fixed: prepare each on first use, per physical connection.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 1;
        }

        builder.UseLoggerFactory(loggerFactory);

        // The pool's name labels Npgsql's metrics; the default, the connection string, is no business of a metrics scrape.
        builder.Name = "agentmesh";
        _dataSource = builder.Build();
        _logger = loggerFactory.CreateLogger<PostgresMeshStore>();
    }

    /// <summary>Migrates the schema to this version (creating it in an empty database). Calling it again does nothing more.</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer version of AgentMesh.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        (PreviousSchemaVersion, var version) = await Migrations.ApplyAsync(_dataSource, _logger, cancellationToken);
        SchemaVersion = version;
        _initialized = true;
        await CheckProtectionAsync(cancellationToken);
        var sequence = await LastSequenceAsync(cancellationToken);
        var connection = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
        PostgresStoreLog.Opened(_logger, connection.Database ?? "", connection.Host ?? "", version, sequence);
    }

    /// <summary>
    /// Reads the newest tasks' input and output back through the protector, so a node given the wrong keys stops at
    /// start with a message naming the key, instead of failing on every read later.
    /// </summary>
    private async Task CheckProtectionAsync(CancellationToken cancellationToken)
    {
        var payloads = await QueryAsync(
            AllTenants,
            new NpgsqlBatchCommand("SELECT input, output FROM tasks ORDER BY id DESC LIMIT 64"),
            static reader => (reader.GetString(0), reader.TextOrNull(1)),
            cancellationToken);
        foreach (var (input, output) in payloads)
        {
            _protector.Unprotect(input);
            if (output is not null)
            {
                _protector.Unprotect(output);
            }
        }
    }

    /// <summary>True when the database answers with the schema version; false on any failure, never throws.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await PingCoreAsync(cancellationToken).WaitAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // A new database before the first node's migrations have run: not ready, and nothing an operator must act on.
            PostgresStoreLog.PingBeforeMigrations(_logger);
            return false;
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            PostgresStoreLog.PingFailed(_logger, exception);
            return false;
        }
    }

    // Npgsql cannot cancel a statement on a server that is alive but frozen: the caller stops waiting, the call ends when the server does.
    private async Task<bool> PingCoreAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Closes every pooled connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _dataSource.DisposeAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_initialized)
        {
            throw new InvalidOperationException("The store is not open: call InitializeAsync first.");
        }

        return await _dataSource.OpenConnectionAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand FenceCommand(LeaderFence fence)
    {
        var command = new NpgsqlBatchCommand("SELECT agentmesh_fence($1, $2)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = fence.NodeId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fence.Epoch });
        return command;
    }

    /// <summary>The first command of every transaction: confine it to <paramref name="tenant"/> (or <see cref="AllTenants"/>).</summary>
    private static NpgsqlBatchCommand Scope(string tenant)
    {
        var command = new NpgsqlBatchCommand("SELECT set_config('agentmesh.tenant', $1, true)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        return command;
    }
}

/// <summary>The node and epoch a leader's commits must still hold the lease for.</summary>
public sealed record LeaderFence(string NodeId, long Epoch);
