using AgentMesh.Audit;
using AgentMesh.Sqlite.Tables;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite.Audit;

/// <summary>Audit entries to and from rows.</summary>
internal static class AuditRows
{
    public const string Columns = "chain, seq, time, tenant, actor_type, actor_id, actor_ip, actor_user_agent, action, resource_type, resource_id, outcome, reason, request_id, trace_id, classification, details, prev_hash, hash";

    private static readonly string[] Names = [.. Columns.Split(", "), "actor_subject"];

    /// <summary>The entry insert, compiled once on the write connection and bound by position (see <see cref="PositionalStatement"/>).</summary>
    public static PositionalStatement InsertEntry(SqliteConnection connection) => new(connection, Statement.Insert("audit_entries", Names), Names);

    public static void Insert(PositionalStatement insert, AuditEntry entry)
    {
        var e = entry.Event;
        insert.Set(0, entry.Chain);
        insert.Set(1, entry.Sequence);
        insert.Set(2, AuditEncoding.ToMicroseconds(e.Time));
        insert.Set(3, e.Tenant);
        insert.Set(4, e.Actor.Type);
        insert.Set(5, e.Actor.Id);
        insert.Set(6, e.Actor.Ip);
        insert.Set(7, e.Actor.UserAgent);
        insert.Set(8, e.Action);
        insert.Set(9, e.Resource.Type);
        insert.Set(10, e.Resource.Id);
        insert.Set(11, AuditNames.Of(e.Outcome));
        insert.Set(12, e.Reason);
        insert.Set(13, e.RequestId);
        insert.Set(14, e.TraceId);
        insert.Set(15, AuditNames.Of(e.Classification));
        insert.Set(16, DetailsJson(e.Details));
        insert.Set(17, entry.PreviousHash);
        insert.Set(18, entry.Hash);
        insert.Set(19, AuditSubjects.TagOf(e));
        insert.Execute();
    }

    public static SqliteCommand InsertCheckpoint(SqliteConnection connection, SqliteTransaction transaction, AuditCheckpoint checkpoint)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO audit_checkpoints (chain, tree_size, time, root_hash, head_hash, key_id, signature) VALUES (@chain, @size, @time, @root, @head, @key, @signature)";
        command.Parameters.AddWithValue("@chain", checkpoint.Chain);
        command.Parameters.AddWithValue("@size", checkpoint.TreeSize);
        command.Parameters.AddWithValue("@time", AuditEncoding.ToMicroseconds(checkpoint.Time));
        command.Parameters.AddWithValue("@root", checkpoint.RootHash);
        command.Parameters.AddWithValue("@head", checkpoint.HeadHash);
        command.Parameters.AddWithValue("@key", checkpoint.KeyId);
        command.Parameters.AddWithValue("@signature", checkpoint.Signature);
        return command;
    }

    public static SqliteCommand Query(SqliteConnection connection, AuditQuery query)
    {
        var command = connection.CreateCommand();
        var where = new List<string>();
        void Filter(string column, object? value)
        {
            if (value is not null)
            {
                where.Add($"{column} = @{column}");
                command.Parameters.AddWithValue("@" + column, value);
            }
        }

        Filter("tenant", query.Tenant);
        if (query.ActorId is not null)
        {
            where.Add("(actor_id = @actor_id OR actor_subject = @actor_subject)");
            command.Parameters.AddWithValue("@actor_id", query.ActorId);
            command.Parameters.AddWithValue("@actor_subject", (object?)query.ActorSubject ?? DBNull.Value);
        }

        Filter("action", query.Action);
        Filter("resource_type", query.ResourceType);
        Filter("resource_id", query.ResourceId);
        Filter("outcome", query.Outcome is { } outcome ? AuditNames.Of(outcome) : null);
        if (query.From is { } from)
        {
            where.Add("time >= @from");
            command.Parameters.AddWithValue("@from", AuditEncoding.ToMicroseconds(from));
        }

        if (query.To is { } to)
        {
            where.Add("time < @to");
            command.Parameters.AddWithValue("@to", AuditEncoding.ToMicroseconds(to));
        }

        if (query.After is { } after)
        {
            where.Add("(time > @after_time OR (time = @after_time AND (chain > @after_chain OR (chain = @after_chain AND seq > @after_seq))))");
            command.Parameters.AddWithValue("@after_time", after.TimeMicroseconds);
            command.Parameters.AddWithValue("@after_chain", after.Chain);
            command.Parameters.AddWithValue("@after_seq", after.Sequence);
        }

        command.CommandText = $"SELECT {Columns} FROM audit_entries {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY time, chain, seq LIMIT @limit";
        command.Parameters.AddWithValue("@limit", query.Limit + 1);
        return command;
    }

    public static string DetailsJson(IReadOnlyDictionary<string, string> details) => AuditDetailsText.Write(details);
}
