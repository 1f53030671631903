using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AgentMesh.Sqlite.Tables;

/// <summary>
/// A statement compiled once on the write connection and bound by position. Microsoft.Data.Sqlite
/// looks every parameter up by name on every execution; for the rows written on every task change that
/// lookup was most of a commit's CPU. Parameters are resolved to positions once, here. It runs inside
/// whatever transaction the connection has open.
/// </summary>
internal sealed class PositionalStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _positions;

    /// <param name="connection">The open write connection.</param>
    /// <param name="sql">SQL with one <c>@column</c> parameter per entry of <paramref name="columns"/>.</param>
    /// <param name="columns">The parameters in the order <see cref="Set"/> is called with.</param>
    public PositionalStatement(SqliteConnection connection, string sql, IReadOnlyList<string> columns)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
        _positions = new int[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            _positions[i] = raw.sqlite3_bind_parameter_index(_statement, "@" + columns[i]);
            if (_positions[i] == 0)
            {
                throw new InvalidOperationException($"The statement has no parameter @{columns[i]}.");
            }
        }
    }

    /// <summary>Binds the <paramref name="column"/>-th parameter to a stored value: null, a whole number, a number, text or bytes.</summary>
    public void Set(int column, object? value)
    {
        var position = _positions[column];
        var rc = value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_statement, position),
            long number => raw.sqlite3_bind_int64(_statement, position, number),
            int number => raw.sqlite3_bind_int64(_statement, position, number),
            double number => raw.sqlite3_bind_double(_statement, position, number),
            string text => raw.sqlite3_bind_text(_statement, position, text),
            byte[] bytes => raw.sqlite3_bind_blob(_statement, position, bytes),
            _ => throw new ArgumentException($"A {value.GetType().Name} cannot be stored.", nameof(value)),
        };
        Check(rc);
    }

    /// <summary>Runs the statement and returns how many rows it changed; bindings stay for the next row to overwrite.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc is not (raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
        }

        return raw.sqlite3_changes(_db);
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
        }
    }

    public void Dispose() => _statement.Dispose();
}
