using Npgsql;

namespace AgentMesh.PostgreSql.Rows;

/// <summary>Rows sent column by column: one typed array parameter per column, unnested by the server.</summary>
internal static class ColumnArrays
{
    public static void Add<TRow, T>(NpgsqlParameterCollection parameters, IReadOnlyList<TRow> rows, Func<TRow, T> column)
    {
        var values = new T[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = column(rows[i]);
        }

        parameters.Add(new NpgsqlParameter<T[]> { TypedValue = values });
    }
}
