using SQLitePCL;

namespace AgentMesh.Sqlite.Audit;

/// <summary>The columns of a statement's current row.</summary>
internal readonly struct RowColumns(sqlite3_stmt statement)
{
    public int Type(int column) => raw.sqlite3_column_type(statement, column);

    public long Int64(int column) => raw.sqlite3_column_int64(statement, column);

    /// <summary>The value as bytes (text as stored, UTF-8); valid until the row changes.</summary>
    public ReadOnlySpan<byte> Bytes(int column) => raw.sqlite3_column_blob(statement, column);
}
