using System.Runtime.InteropServices;
using SQLitePCL;

namespace AgentMesh.Sqlite.Audit;

/// <summary>
/// The columns of a statement's current row, read by direct calls into the bundled SQLite library. SQLitePCL passes the
/// statement as a SafeHandle on every call (a reference taken and released each time): for an audit row, some sixty
/// such calls were most of what reading it for verification cost. Here the pointer is taken once; the
/// <see cref="sqlite3_stmt"/> it comes from keeps it alive. With another SQLite library loaded, reads go through SQLitePCL.
/// </summary>
internal readonly unsafe struct RowColumns(sqlite3_stmt statement)
{
    private const string Library = "e_sqlite3";

    private static readonly bool Direct = string.Equals(raw.GetNativeLibraryName(), Library, StringComparison.Ordinal);

    private readonly nint _pointer = statement.DangerousGetHandle();

    public int Type(int column) => Direct ? ColumnType(_pointer, column) : raw.sqlite3_column_type(statement, column);

    public long Int64(int column) => Direct ? ColumnInt64(_pointer, column) : raw.sqlite3_column_int64(statement, column);

    /// <summary>The value as bytes (text as stored, UTF-8); valid until the row changes.</summary>
    public ReadOnlySpan<byte> Bytes(int column)
    {
        if (!Direct)
        {
            return raw.sqlite3_column_blob(statement, column);
        }

        // The pointer first, then its length, as SQLite asks.
        var bytes = ColumnBlob(_pointer, column);
        return bytes == 0 ? default : new ReadOnlySpan<byte>((void*)bytes, ColumnBytes(_pointer, column));
    }

    // Each returns at once without blocking or calling back, so the GC transition is skipped.
    [DllImport(Library, EntryPoint = "sqlite3_column_type", ExactSpelling = true, CallingConvention = CallingConvention.Cdecl)]
    [SuppressGCTransition]
    private static extern int ColumnType(nint statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_int64", ExactSpelling = true, CallingConvention = CallingConvention.Cdecl)]
    [SuppressGCTransition]
    private static extern long ColumnInt64(nint statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_blob", ExactSpelling = true, CallingConvention = CallingConvention.Cdecl)]
    [SuppressGCTransition]
    private static extern nint ColumnBlob(nint statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_bytes", ExactSpelling = true, CallingConvention = CallingConvention.Cdecl)]
    [SuppressGCTransition]
    private static extern int ColumnBytes(nint statement, int column);
}
