using AgentMesh.Audit;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite.Audit;

/// <summary>Audit entries to and from rows.</summary>
internal static class AuditRows
{
    public const string Columns = "chain, seq, time, tenant, actor_type, actor_id, actor_ip, actor_user_agent, action, resource_type, resource_id, outcome, reason, request_id, trace_id, classification, details, prev_hash, hash";

    private static readonly string[] Names = [.. Columns.Split(", "), "actor_subject"];

    public static SqliteCommand InsertEntry(SqliteConnection connection, SqliteTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO audit_entries ({string.Join(", ", Names)}) VALUES ({string.Join(", ", Names.Select(static n => "@" + n))})";
        foreach (var name in Names)
        {
            command.Parameters.Add(new SqliteParameter("@" + name, null));
        }

        command.Prepare();
        return command;
    }

    public static void Bind(SqliteCommand command, AuditEntry entry)
    {
        var e = entry.Event;
        var p = command.Parameters;
        p[0].Value = entry.Chain;
        p[1].Value = entry.Sequence;
        p[2].Value = AuditEncoding.ToMicroseconds(e.Time);
        p[3].Value = (object?)e.Tenant ?? DBNull.Value;
        p[4].Value = e.Actor.Type;
        p[5].Value = (object?)e.Actor.Id ?? DBNull.Value;
        p[6].Value = (object?)e.Actor.Ip ?? DBNull.Value;
        p[7].Value = (object?)e.Actor.UserAgent ?? DBNull.Value;
        p[8].Value = e.Action;
        p[9].Value = e.Resource.Type;
        p[10].Value = (object?)e.Resource.Id ?? DBNull.Value;
        p[11].Value = AuditNames.Of(e.Outcome);
        p[12].Value = (object?)e.Reason ?? DBNull.Value;
        p[13].Value = (object?)e.RequestId ?? DBNull.Value;
        p[14].Value = (object?)e.TraceId ?? DBNull.Value;
        p[15].Value = AuditNames.Of(e.Classification);
        p[16].Value = DetailsJson(e.Details);
        p[17].Value = entry.PreviousHash;
        p[18].Value = entry.Hash;
        p[19].Value = (object?)AuditSubjects.TagOf(e) ?? DBNull.Value;
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
