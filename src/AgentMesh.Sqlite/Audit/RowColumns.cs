using System.Runtime.InteropServices;
using SQLitePCL;

namespace AgentMesh.Sqlite.Audit;

/// <summary>
/// The columns of a statement's current row, read by direct calls into the bundled SQLite library. SQLitePCL passes the
/// statement as a SafeHandle on every call (a reference taken and released each time): for an audit row, some sixty
/// such calls were most of what reading it for verification cost. Here the pointer is taken once; the
/// <see cref="sqlite3_stmt"/> it comes from keeps it alive. A column's value is fetched once and its type, bytes or
/// integer read from it, rather than through three column calls that each check the index and the statement's error
/// state again. That needs a connection opened without SQLite's mutex (as <see cref="EncodedAuditRows"/> opens its own),
/// where a column's value may be read directly. With another SQLite library loaded, reads go through SQLitePCL.
/// </summary>
internal readonly unsafe struct RowColumns(sqlite3_stmt statement)
{
    private const string Library = "e_sqlite3";

    private static readonly bool Direct = string.Equals(raw.GetNativeLibraryName(), Library, StringComparison.Ordinal);

    private readonly nint _pointer = statement.DangerousGetHandle();

    public Column this[int column] => new(statement, column, Direct ? ColumnValue(_pointer, column) : 0);

    // Each returns at once without blocking or calling back, so the GC transition is skipped.
    [DllImport(Library, EntryPoint = "sqlite3_column_value", ExactSpelling = true, CallingConvention = CallingConvention.Cdecl)]
    [SuppressGCTransition]
    private static extern nint ColumnValue(nint statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_value_type", ExactSpelling = true, CallingConvention = CallingConvention.Cdecl)]
    [SuppressGCTransition]
    private static extern int ValueType(nint value);

    [DllImport(Library, EntryPoint = "sqlite3_value_int64", ExactSpelling = true, CallingConvention = CallingConvention.Cdecl)]
    [SuppressGCTransition]
    private static extern long ValueInt64(nint value);

    [DllImport(Library, EntryPoint = "sqlite3_value_blob", ExactSpelling = true, CallingConvention = CallingConvention.Cdecl)]
    [SuppressGCTransition]
    private static extern nint ValueBlob(nint value);

    [DllImport(Library, EntryPoint = "sqlite3_value_bytes", ExactSpelling = true, CallingConvention = CallingConvention.Cdecl)]
    [SuppressGCTransition]
    private static extern int ValueBytes(nint value);

    /// <summary>One column of the current row; valid until the row changes.</summary>
    public readonly struct Column(sqlite3_stmt statement, int index, nint value)
    {
        public int Type => value != 0 ? ValueType(value) : raw.sqlite3_column_type(statement, index);

        public long Int64 => value != 0 ? ValueInt64(value) : raw.sqlite3_column_int64(statement, index);

        /// <summary>The value as bytes (text as stored, UTF-8).</summary>
        public ReadOnlySpan<byte> Bytes
        {
            get
            {
                if (value == 0)
                {
                    return raw.sqlite3_column_blob(statement, index);
                }

                // The pointer first, then its length, as SQLite asks.
                var bytes = ValueBlob(value);
                return bytes == 0 ? default : new ReadOnlySpan<byte>((void*)bytes, ValueBytes(value));
            }
        }
    }
}
