using Npgsql;

namespace AgentMesh.PostgreSql.Rows;

/// <summary>Statements for a batch, their values bound by position (<c>$1</c>, <c>$2</c>, …).</summary>
internal static class Statements
{
    /// <summary>A statement with positional parameters; a null value is sent as NULL.</summary>
    public static NpgsqlBatchCommand Positional(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }
}
