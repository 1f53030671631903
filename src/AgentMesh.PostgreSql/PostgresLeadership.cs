using Npgsql;

namespace AgentMesh.PostgreSql;

/// <summary>
/// The cluster's leader lease in PostgreSQL: which node runs the engine, at which epoch, until when. Times
/// are PostgreSQL's, so the nodes' clocks never need to agree. A node takes the lease only when it has
/// expired; the holder renews it well before.
/// </summary>
public sealed class PostgresLeadership(PostgresMeshStore store)
{
    /// <summary>
    /// Takes the lease if it is free, expired, already ours, or held under our own address — by an earlier run of this
    /// node, since two processes cannot listen on one address (a node restarted after a crash leads again at once,
    /// instead of waiting for its own old lease to expire). The new epoch, or null when another node holds it.
    /// </summary>
    public async Task<long?> TryAcquireAsync(string nodeId, string url, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        await using var command = store.DataSource.CreateCommand(
            """
            UPDATE cluster_leader SET node_id = $1, url = $2, epoch = epoch + 1, expires_at = now() + $3
            WHERE expires_at < now() OR node_id = $1 OR url = $2
            RETURNING epoch
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = url });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lease });
        return await command.ExecuteScalarAsync(cancellationToken) is long epoch ? epoch : null;
    }

    /// <summary>Extends the lease; false when another node has taken it since (this node must stop leading).</summary>
    public async Task<bool> RenewAsync(string nodeId, long epoch, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = store.DataSource.CreateCommand(
            "UPDATE cluster_leader SET expires_at = now() + $3 WHERE node_id = $1 AND epoch = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = epoch });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lease });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Gives the lease up at once (a graceful stop), so another node need not wait for it to expire.</summary>
    public async Task ReleaseAsync(string nodeId, long epoch, CancellationToken cancellationToken)
    {
        await using var command = store.DataSource.CreateCommand(
            "UPDATE cluster_leader SET expires_at = '-infinity' WHERE node_id = $1 AND epoch = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = epoch });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The current holder, or null when the lease is free or expired.</summary>
    public async Task<LeaderLease?> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = store.DataSource.CreateCommand(
            "SELECT node_id, url, epoch FROM cluster_leader WHERE expires_at >= now()");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new LeaderLease(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)) : null;
    }
}

/// <summary>The node that holds the leader lease, where it listens, and its epoch.</summary>
public sealed record LeaderLease(string NodeId, string Url, long Epoch);
