using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace AgentMesh.Audit;

/// <summary>
/// The canonical byte encoding of an entry, the input of its chain hash. Version byte 1, then every field in a fixed
/// order: strings as a 32-bit big-endian byte length (−1 for null) and UTF-8, integers as 64-bit big-endian, time as
/// microseconds since the Unix epoch, enums as one byte, details as a count followed by key/value pairs in ordinal
/// key order. Documented in docs/audit.md so that an auditor can recompute it with any tool.
/// </summary>
public static class AuditEncoding
{
    public const byte Version = 1;

    /// <summary>Microseconds since the Unix epoch: the precision kept for entry times.</summary>
    public static long ToMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);

    /// <summary>Writes the canonical encoding of the entry at <paramref name="sequence"/> of <paramref name="chain"/>.</summary>
    public static void Write(IBufferWriter<byte> output, string chain, long sequence, AuditEvent e)
    {
        WriteHeader(output, chain, sequence);
        WriteInt64(output, ToMicroseconds(e.Time));
        WriteString(output, e.Tenant);
        WriteString(output, e.Actor.Type);
        WriteString(output, e.Actor.Id);
        WriteString(output, e.Actor.Ip);
        WriteString(output, e.Actor.UserAgent);
        WriteString(output, e.Action);
        WriteString(output, e.Resource.Type);
        WriteString(output, e.Resource.Id);
        WriteByte(output, (byte)e.Outcome);
        WriteString(output, e.Reason);
        WriteString(output, e.RequestId);
        WriteString(output, e.TraceId);
        WriteByte(output, (byte)e.Classification);
        WriteInt64(output, e.Details.Count);
        if (e.Details.Count == 0)
        {
            return;
        }

        // Stores hand details back in the order they were written (ordinal): then they are written as they come, without sorting.
        if (e.Details is Dictionary<string, string> dictionary && InOrdinalOrder(dictionary))
        {
            foreach (var (key, value) in dictionary)
            {
                WriteString(output, key);
                WriteString(output, value);
            }

            return;
        }

        var keys = e.Details.Keys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            WriteString(output, key);
            WriteString(output, e.Details[key]);
        }
    }

    /// <summary>The first fields of every entry's encoding: version, chain, sequence.</summary>
    internal static void WriteHeader(IBufferWriter<byte> output, string chain, long sequence)
    {
        WriteByte(output, Version);
        WriteString(output, chain);
        WriteInt64(output, sequence);
    }

    private static bool InOrdinalOrder(Dictionary<string, string> details)
    {
        string? previous = null;
        foreach (var (key, _) in details)
        {
            if (previous is not null && string.CompareOrdinal(previous, key) >= 0)
            {
                return false;
            }

            previous = key;
        }

        return true;
    }

    internal static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    internal static void WriteInt64(IBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    internal static void WriteBytes(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        value.CopyTo(output.GetSpan(value.Length));
        output.Advance(value.Length);
    }

    internal static void WriteUtf8(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8)
    {
        var span = output.GetSpan(4 + utf8.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, utf8.Length);
        utf8.CopyTo(span[4..]);
        output.Advance(4 + utf8.Length);
    }

    internal static void WriteString(IBufferWriter<byte> output, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(output.GetSpan(4), -1);
            output.Advance(4);
            return;
        }

        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        var span = output.GetSpan(4 + length);
        var written = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, written);
        output.Advance(4 + written);
    }
}
