using System.Runtime.CompilerServices;
using AgentMesh.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace AgentMesh.PostgreSql.Audit;

/// <summary>
/// The cluster's audit store: every node's chain in one PostgreSQL database (<see cref="PostgresAuditSchema"/>), so
/// queries, exports, reports and verification see the whole cluster from any node. Each node appends only to its own
/// chain and claims it for as long as it runs (a session advisory lock), so two nodes configured with the same chain
/// name cannot interleave: the second refuses to start.
/// </summary>
public sealed partial class PostgresAuditStore : IAuditStore
{
    private const string Columns = "chain, seq, time, tenant, actor_type, actor_id, actor_ip, actor_user_agent, action, resource_type, resource_id, outcome, reason, request_id, trace_id, classification, details, prev_hash, hash";

    private const string InsertEntry =
        "INSERT INTO agentmesh_audit.entries (" + Columns + ", actor_subject) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string? _chain;
    private readonly bool _readOnly;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlConnection? _claim;
    private bool _open;

    /// <param name="connectionString">The node's connection string (the database of the mesh store).</param>
    /// <param name="chain">The chain this node appends to and claims; null for a store that only reads (verification, tools).</param>
    /// <param name="logger">Where the store reports how the schema is owned.</param>
    public PostgresAuditStore(string connectionString, string? chain, ILogger<PostgresAuditStore> logger)
        : this(connectionString, chain, readOnly: false, logger)
    {
    }

    private PostgresAuditStore(string connectionString, string? chain, bool readOnly, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        // The pool's name labels Npgsql's metrics; the default, the connection string, is no business of a metrics scrape.
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = "agentmesh-audit" };
        if (readOnly)
        {
            // PostgreSQL itself then refuses every write of these sessions, whatever the role is allowed.
            builder.ConnectionStringBuilder.Options = $"{builder.ConnectionStringBuilder.Options} -c default_transaction_read_only=on".TrimStart();
        }

        _dataSource = builder.Build();
        _chain = chain;
        _readOnly = readOnly;
        _logger = logger;
    }

    /// <summary>Host and database, for messages (never the password).</summary>
    public string Description
    {
        get
        {
            var connection = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"{connection.Database} on {connection.Host}:{connection.Port}";
        }
    }

    /// <summary>
    /// A store that only reads the audit schema of an existing database, for verifying it without a node: it neither
    /// creates the schema nor claims a chain, its sessions are read-only in PostgreSQL itself
    /// (<c>default_transaction_read_only</c>), and its role needs only <c>USAGE</c> on the schema and <c>SELECT</c> on
    /// entries and checkpoints. <see cref="InitializeAsync"/> fails when the database has no audit schema.
    /// </summary>
    public static PostgresAuditStore OpenReadOnly(string connectionString) =>
        new(connectionString, chain: null, readOnly: true, NullLogger.Instance);

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_open)
            {
                return;
            }

            if (_readOnly)
            {
                await EnsureSchemaExistsAsync(cancellationToken);
                _open = true;
                return;
            }

            var owner = await PostgresAuditSchema.EnsureAsync(_dataSource, cancellationToken);
            if (owner != PostgresAuditSchema.OwnerRole)
            {
                LogOwnedByNode(_logger, owner);
            }

            if (_chain is not null)
            {
                var claim = await _dataSource.OpenConnectionAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('agentmesh-audit-chain:' || $1, 0))", claim);
                command.Parameters.Add(new NpgsqlParameter { Value = _chain });
                if (await command.ExecuteScalarAsync(cancellationToken) is not true)
                {
                    await claim.DisposeAsync();
                    throw new InvalidOperationException(
                        $"The audit chain '{_chain}' is being written by another node of this database: give every node its own AgentMesh:Audit:Chain.");
                }

                _claim = claim;
            }

            _open = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries, AuditCheckpoint? checkpoint, CancellationToken cancellationToken)
    {
        EnsureWritable();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var entry in entries)
        {
            var e = entry.Event;
            var command = new NpgsqlBatchCommand(InsertEntry);
            var p = command.Parameters;
            p.Add(new NpgsqlParameter { Value = entry.Chain });
            p.Add(new NpgsqlParameter { Value = entry.Sequence });
            p.Add(new NpgsqlParameter { Value = AuditEncoding.ToMicroseconds(e.Time) });
            p.Add(Text(e.Tenant));
            p.Add(new NpgsqlParameter { Value = e.Actor.Type });
            p.Add(Text(e.Actor.Id));
            p.Add(Text(e.Actor.Ip));
            p.Add(Text(e.Actor.UserAgent));
            p.Add(new NpgsqlParameter { Value = e.Action });
            p.Add(new NpgsqlParameter { Value = e.Resource.Type });
            p.Add(Text(e.Resource.Id));
            p.Add(new NpgsqlParameter { Value = AuditNames.Of(e.Outcome) });
            p.Add(Text(e.Reason));
            p.Add(Text(e.RequestId));
            p.Add(Text(e.TraceId));
            p.Add(new NpgsqlParameter { Value = AuditNames.Of(e.Classification) });
            p.Add(new NpgsqlParameter { Value = AuditDetailsText.Write(e.Details) });
            p.Add(new NpgsqlParameter { Value = entry.PreviousHash, NpgsqlDbType = NpgsqlDbType.Bytea });
            p.Add(new NpgsqlParameter { Value = entry.Hash, NpgsqlDbType = NpgsqlDbType.Bytea });
            p.Add(Text(AuditSubjects.TagOf(e)));
            batch.BatchCommands.Add(command);
        }

        if (checkpoint is not null)
        {
            var command = new NpgsqlBatchCommand("INSERT INTO agentmesh_audit.checkpoints (chain, tree_size, time, root_hash, head_hash, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6, $7)");
            command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Chain });
            command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.TreeSize });
            command.Parameters.Add(new NpgsqlParameter { Value = AuditEncoding.ToMicroseconds(checkpoint.Time) });
            command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.RootHash, NpgsqlDbType = NpgsqlDbType.Bytea });
            command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.HeadHash, NpgsqlDbType = NpgsqlDbType.Bytea });
            command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.KeyId });
            command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Signature, NpgsqlDbType = NpgsqlDbType.Bytea });
            batch.BatchCommands.Add(command);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ReadChainsAsync(CancellationToken cancellationToken)
    {
        EnsureOpen();
        await using var command = _dataSource.CreateCommand("SELECT DISTINCT chain FROM agentmesh_audit.entries ORDER BY chain");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var chains = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            chains.Add(reader.GetString(0));
        }

        return chains;
    }

    public async Task<AuditEntry?> ReadLastAsync(string chain, CancellationToken cancellationToken)
    {
        EnsureOpen();
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM agentmesh_audit.entries WHERE chain = $1 ORDER BY seq DESC LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = chain });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? AuditEntryRows.Read(reader) : null;
    }

    public async IAsyncEnumerable<AuditEntry> ReadAsync(string chain, long fromSequence, long toSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        EnsureOpen();
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM agentmesh_audit.entries WHERE chain = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter { Value = chain });
        command.Parameters.Add(new NpgsqlParameter { Value = fromSequence });
        command.Parameters.Add(new NpgsqlParameter { Value = toSequence });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return AuditEntryRows.Read(reader);
        }
    }

    public async Task<IReadOnlyList<byte[]>> ReadHashesAsync(string chain, long toSequence, CancellationToken cancellationToken)
    {
        EnsureOpen();
        await using var command = _dataSource.CreateCommand("SELECT hash FROM agentmesh_audit.entries WHERE chain = $1 AND seq <= $2 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter { Value = chain });
        command.Parameters.Add(new NpgsqlParameter { Value = toSequence });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var hashes = new List<byte[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            hashes.Add(reader.GetFieldValue<byte[]>(0));
        }

        return hashes;
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(string chain, CancellationToken cancellationToken)
    {
        EnsureOpen();
        await using var command = _dataSource.CreateCommand(
            "SELECT chain, tree_size, time, root_hash, head_hash, key_id, signature FROM agentmesh_audit.checkpoints WHERE chain = $1 ORDER BY tree_size");
        command.Parameters.Add(new NpgsqlParameter { Value = chain });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var checkpoints = new List<AuditCheckpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(new AuditCheckpoint(
                reader.GetString(0),
                reader.GetInt64(1),
                AuditEncoding.FromMicroseconds(reader.GetInt64(2)),
                reader.GetFieldValue<byte[]>(3),
                reader.GetFieldValue<byte[]>(4),
                reader.GetString(5),
                reader.GetFieldValue<byte[]>(6)));
        }

        return checkpoints;
    }

    public async Task<long> ReadCursorAsync(string sink, string chain, CancellationToken cancellationToken)
    {
        EnsureOpen();
        await using var command = _dataSource.CreateCommand("SELECT seq FROM agentmesh_audit.forward_cursors WHERE sink = $1 AND chain = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = sink });
        command.Parameters.Add(new NpgsqlParameter { Value = chain });
        return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : 0;
    }

    public async Task SaveCursorAsync(string sink, string chain, long sequence, CancellationToken cancellationToken)
    {
        EnsureWritable();
        await using var command = _dataSource.CreateCommand(
            "INSERT INTO agentmesh_audit.forward_cursors (sink, chain, seq) VALUES ($1, $2, $3) ON CONFLICT (sink, chain) DO UPDATE SET seq = excluded.seq");
        command.Parameters.Add(new NpgsqlParameter { Value = sink });
        command.Parameters.Add(new NpgsqlParameter { Value = chain });
        command.Parameters.Add(new NpgsqlParameter { Value = sequence });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        EnsureOpen();
        await using var command = _dataSource.CreateCommand();
        var where = new List<string>();
        string Parameter(object? value, NpgsqlDbType? type = null)
        {
            var parameter = new NpgsqlParameter { Value = value ?? DBNull.Value };
            if (type is { } t)
            {
                parameter.NpgsqlDbType = t;
            }

            command.Parameters.Add(parameter);
            return "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        void Filter(string column, string? value)
        {
            if (value is not null)
            {
                where.Add($"{column} = {Parameter(value)}");
            }
        }

        Filter("tenant", query.Tenant);
        if (query.ActorId is not null)
        {
            where.Add($"(actor_id = {Parameter(query.ActorId)} OR actor_subject = {Parameter(query.ActorSubject, NpgsqlDbType.Text)})");
        }

        Filter("action", query.Action);
        Filter("resource_type", query.ResourceType);
        Filter("resource_id", query.ResourceId);
        Filter("outcome", query.Outcome is { } outcome ? AuditNames.Of(outcome) : null);
        if (query.From is { } from)
        {
            where.Add($"time >= {Parameter(AuditEncoding.ToMicroseconds(from))}");
        }

        if (query.To is { } to)
        {
            where.Add($"time < {Parameter(AuditEncoding.ToMicroseconds(to))}");
        }

        if (query.After is { } after)
        {
            where.Add($"(time, chain, seq) > ({Parameter(after.TimeMicroseconds)}, {Parameter(after.Chain)}, {Parameter(after.Sequence)})");
        }

        command.CommandText = $"SELECT {Columns} FROM agentmesh_audit.entries {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY time, chain, seq LIMIT {Parameter((long)query.Limit + 1)}";
        return await AuditEntryRows.ReadPageAsync(command, query.Limit, cancellationToken);
    }

    public async Task<byte[]> AddSubjectKeyAsync(string tag, byte[] wrappedKey, CancellationToken cancellationToken)
    {
        EnsureWritable();

        // Two nodes may create a subject's key at once: the first insert wins and both use it.
        await using var command = _dataSource.CreateCommand(
            """
            WITH added AS (INSERT INTO agentmesh_audit.subject_keys (subject, wrapped_key) VALUES ($1, $2) ON CONFLICT (subject) DO NOTHING RETURNING wrapped_key)
            SELECT wrapped_key FROM added UNION ALL SELECT wrapped_key FROM agentmesh_audit.subject_keys WHERE subject = $1 LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = tag });
        command.Parameters.Add(new NpgsqlParameter { Value = wrappedKey, NpgsqlDbType = NpgsqlDbType.Bytea });
        return (byte[])(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyDictionary<string, byte[]>> ReadSubjectKeysAsync(IReadOnlyCollection<string> tags, CancellationToken cancellationToken)
    {
        EnsureOpen();
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (tags.Count == 0)
        {
            return keys;
        }

        await using var command = _dataSource.CreateCommand("SELECT subject, wrapped_key FROM agentmesh_audit.subject_keys WHERE subject = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = tags.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys[reader.GetString(0)] = reader.GetFieldValue<byte[]>(1);
        }

        return keys;
    }

    public async Task<bool> DeleteSubjectKeyAsync(string tag, CancellationToken cancellationToken)
    {
        EnsureWritable();
        await using var command = _dataSource.CreateCommand("DELETE FROM agentmesh_audit.subject_keys WHERE subject = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = tag });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            if (_claim is not null)
            {
                await _claim.DisposeAsync();
                _claim = null;
            }

            _open = false;
            await _dataSource.DisposeAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private void EnsureOpen()
    {
        if (!_open)
        {
            throw new InvalidOperationException("The audit store is not open: call InitializeAsync first.");
        }
    }

    private void EnsureWritable()
    {
        EnsureOpen();
        if (_readOnly)
        {
            throw new InvalidOperationException("The audit store was opened read-only.");
        }
    }

    private async Task EnsureSchemaExistsAsync(CancellationToken cancellationToken)
    {
        // The catalog is readable by every role, so a missing schema is told apart from one the role may not read.
        await using var command = _dataSource.CreateCommand($"SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = '{PostgresAuditSchema.Schema}')");
        if (await command.ExecuteScalarAsync(cancellationToken) is not true)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database {Description} holds no audit log: it has no schema {PostgresAuditSchema.Schema} (a node creates it on its first start).");
        }
    }

    [LoggerMessage(EventId = 2210, Level = LogLevel.Warning, Message = "The audit tables belong to the node's role {Owner}, which could drop them; install them under their own role with 'agentmesh audit install-postgres' as an administrator")]
    private static partial void LogOwnedByNode(ILogger logger, string owner);
}
