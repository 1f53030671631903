using System.Text.Json;
using System.Text.Unicode;
using AgentMesh.Audit;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AgentMesh.Sqlite.Audit;

/// <summary>
/// Reads a chain's rows by position and writes each entry's canonical encoding (<see cref="AuditEncoding"/>; the columns
/// of <see cref="AuditRows.Columns"/> are in the encoding's order) straight from the stored UTF-8 bytes, without making
/// strings, a details dictionary or an <see cref="AuditEntry"/>. A row this cannot encode byte for byte as
/// <see cref="AuditEntryRows.Read"/> would read it (a type, text or details JSON a writer never produces) is read
/// through that instead, so verification reports the same for every row.
/// The rows are read through a handle of their own opened without SQLite's connection mutex: it serves only this reader's
/// thread, and with the mutex every column read took and released a lock twice, a fifth of what reading a row cost.
/// </summary>
internal sealed class EncodedAuditRows : IDisposable
{
    private const int Sequence = 1;
    private const int Time = 2;
    private const int Outcome = 11;
    private const int Classification = 15;
    private const int Details = 16;
    private const int PreviousHash = 17;
    private const int Hash = 18;

    // What FromMicroseconds accepts, so that the time round-trips as AuditEntryRows reads it.
    private static readonly long MinMicroseconds = -DateTimeOffset.UnixEpoch.UtcTicks / 10;
    private static readonly long MaxMicroseconds = (DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    // Which text columns (tenant … trace id) may be null.
    private static readonly bool[] Nullable = [false, false, false, true, false, true, true, true, false, false, true, false, true, true, true, false];

    private readonly SqliteConnection _connection;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly string _chain;
    private byte[] _unescaped = new byte[256];

    /// <param name="connection">An open connection to the database, for rows read as every other reader reads them.</param>
    /// <param name="path">The database file.</param>
    /// <param name="chain">The chain.</param>
    /// <param name="fromSequence">The first sequence number read.</param>
    /// <param name="toSequence">The last sequence number read.</param>
    public EncodedAuditRows(SqliteConnection connection, string path, string chain, long fromSequence, long toSequence)
    {
        _connection = connection;
        _chain = chain;
        var rc = raw.sqlite3_open_v2(path, out _db, raw.SQLITE_OPEN_READONLY | raw.SQLITE_OPEN_NOMUTEX, null);
        try
        {
            Check(rc);
            Check(raw.sqlite3_busy_timeout(_db, 5000));
            Check(raw.sqlite3_prepare_v2(_db, $"SELECT {AuditRows.Columns} FROM audit_entries WHERE chain = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq", out _statement));
            Check(raw.sqlite3_bind_text(_statement, 1, chain));
            Check(raw.sqlite3_bind_int64(_statement, 2, fromSequence));
            Check(raw.sqlite3_bind_int64(_statement, 3, toSequence));
        }
        catch
        {
            _statement?.Dispose();
            _db.Dispose();
            throw;
        }
    }

    /// <summary>Adds rows to <paramref name="run"/> until it is full; false once the rows are all read.</summary>
    public bool Fill(EncodedRun run)
    {
        while (!run.IsFull)
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_DONE)
            {
                return false;
            }

            if (rc != raw.SQLITE_ROW)
            {
                Check(rc);
            }

            if (!TryEncode(run))
            {
                run.CancelEntry();
                run.Add(ReadEntry());
            }
        }

        return true;
    }

    public void Dispose()
    {
        _statement.Dispose();
        _db.Dispose();
    }

    private bool TryEncode(EncodedRun run)
    {
        var row = new RowColumns(_statement);
        var sequence = row[Sequence];
        var time = row[Time];
        var previousHash = row[PreviousHash];
        var hash = row[Hash];
        if (sequence.Type != raw.SQLITE_INTEGER
            || time.Type != raw.SQLITE_INTEGER
            || previousHash.Type != raw.SQLITE_BLOB
            || hash.Type != raw.SQLITE_BLOB)
        {
            return false;
        }

        var microseconds = time.Int64;
        if (microseconds < MinMicroseconds || microseconds > MaxMicroseconds)
        {
            return false;
        }

        run.BeginEntry(sequence.Int64, previousHash.Bytes);
        run.WriteInt64(microseconds);
        for (var column = Time + 1; column <= Classification; column++)
        {
            var value = row[column];
            var type = value.Type;
            if (type == raw.SQLITE_NULL && Nullable[column])
            {
                run.WriteNull();
                continue;
            }

            var text = value.Bytes;
            if (!IsText(type, text))
            {
                return false;
            }

            switch (column)
            {
                case Outcome:
                    run.WriteByte(OutcomeOf(text));
                    break;
                case Classification:
                    run.WriteByte(ClassificationOf(text));
                    break;
                default:
                    run.WriteText(text);
                    break;
            }
        }

        var details = row[Details];
        var detailsType = details.Type;
        var json = details.Bytes;
        if (!IsText(detailsType, json) || !TryWriteDetails(run, json))
        {
            return false;
        }

        run.EndEntry(hash.Bytes);
        return true;
    }

    /// <summary>True for text whose bytes come back unchanged when read as a string and encoded again.</summary>
    private static bool IsText(int type, ReadOnlySpan<byte> bytes) => type == raw.SQLITE_TEXT && Utf8.IsValid(bytes) && !bytes.Contains((byte)0);

    /// <summary>
    /// Details as <see cref="AuditDetailsText.Parse"/> then <see cref="AuditEncoding"/> would write them, for the JSON
    /// writers produce: an object of string values under distinct ASCII keys in ordinal order, read in one pass with
    /// the count filled in at the end. Anything else is left to them.
    /// </summary>
    private bool TryWriteDetails(EncodedRun run, ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var countAt = run.ReserveInt64();
            var count = 0;
            ReadOnlySpan<byte> previous = default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.ValueSpan;
                if (reader.ValueIsEscaped || !System.Text.Ascii.IsValid(key) || (count > 0 && key.SequenceCompareTo(previous) <= 0))
                {
                    return false;
                }

                previous = key;
                run.WriteText(key);
                if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return false;
                }

                WriteValue(run, ref reader);
                count++;
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }

            run.FillInt64(countAt, count);
            return true;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private void WriteValue(EncodedRun run, ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            run.WriteText(reader.ValueSpan);
            return;
        }

        if (_unescaped.Length < reader.ValueSpan.Length)
        {
            _unescaped = new byte[reader.ValueSpan.Length * 2];
        }

        run.WriteText(_unescaped.AsSpan(0, reader.CopyString(_unescaped)));
    }

    private static byte OutcomeOf(ReadOnlySpan<byte> text) =>
        text.SequenceEqual("success"u8) ? (byte)AuditOutcome.Success
        : text.SequenceEqual("denied"u8) ? (byte)AuditOutcome.Denied
        : text.SequenceEqual("failed"u8) ? (byte)AuditOutcome.Failed
        : byte.MaxValue;

    private static byte ClassificationOf(ReadOnlySpan<byte> text) =>
        text.SequenceEqual("public"u8) ? (byte)DataClassification.Public
        : text.SequenceEqual("internal"u8) ? (byte)DataClassification.Internal
        : text.SequenceEqual("confidential"u8) ? (byte)DataClassification.Confidential
        : text.SequenceEqual("restricted"u8) ? (byte)DataClassification.Restricted
        : byte.MaxValue;

    /// <summary>The current row read as every other reader reads it, found again by its key as stored.</summary>
    private AuditEntry ReadEntry()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {AuditRows.Columns} FROM audit_entries WHERE chain = @chain AND seq = @seq";
        command.Parameters.AddWithValue("@chain", _chain);
        command.Parameters.AddWithValue("@seq", raw.sqlite3_column_type(_statement, Sequence) switch
        {
            raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_statement, Sequence),
            raw.SQLITE_FLOAT => raw.sqlite3_column_double(_statement, Sequence),
            raw.SQLITE_TEXT => raw.sqlite3_column_text(_statement, Sequence).utf8_to_string(),
            _ => (object)raw.sqlite3_column_blob(_statement, Sequence).ToArray(),
        });
        using var reader = command.ExecuteReader();
        return reader.Read() ? AuditEntryRows.Read(reader) : throw new InvalidOperationException($"Entry {raw.sqlite3_column_int64(_statement, Sequence)} of chain '{_chain}' could not be read again.");
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
        }
    }
}
