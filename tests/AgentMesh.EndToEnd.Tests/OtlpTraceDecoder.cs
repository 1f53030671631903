using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>One span as an OTLP receiver sees it; ids in lowercase hex, the parent empty for a root.</summary>
internal sealed record OtlpSpan(
    string Service,
    string Scope,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    ActivityKind Kind,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// Reads the spans of an OTLP/HTTP <c>ExportTraceServiceRequest</c> (protobuf): the few fields of
/// opentelemetry/proto/trace/v1/trace.proto the tests look at, every other field skipped by wire type.
/// </summary>
internal static class OtlpTraceDecoder
{
    public static List<OtlpSpan> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<OtlpSpan>();
        var reader = new Reader(request);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                ResourceSpans(reader.Bytes(), spans);
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return spans;
    }

    private static void ResourceSpans(ReadOnlySpan<byte> message, List<OtlpSpan> spans)
    {
        var service = "";
        var scopes = new List<byte[]>();
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    var attributes = Attributes(reader.Bytes(), resourceField: 1);
                    service = attributes.GetValueOrDefault("service.name", "");
                    break;
                case (2, 2):
                    scopes.Add(reader.Bytes().ToArray());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        foreach (var scope in scopes)
        {
            ScopeSpans(scope, service, spans);
        }
    }

    private static void ScopeSpans(ReadOnlySpan<byte> message, string service, List<OtlpSpan> spans)
    {
        var scope = "";
        var raw = new List<byte[]>();
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    var scopeReader = new Reader(reader.Bytes());
                    while (scopeReader.Next(out var scopeField, out var scopeWire))
                    {
                        if (scopeField == 1 && scopeWire == 2)
                        {
                            scope = scopeReader.Text();
                        }
                        else
                        {
                            scopeReader.Skip(scopeWire);
                        }
                    }

                    break;
                case (2, 2):
                    raw.Add(reader.Bytes().ToArray());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        foreach (var span in raw)
        {
            spans.Add(Span(span, service, scope));
        }
    }

    private static OtlpSpan Span(ReadOnlySpan<byte> message, string service, string scope)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = ActivityKind.Internal;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    traceId = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (2, 2):
                    spanId = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (4, 2):
                    parent = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (5, 2):
                    name = reader.Text();
                    break;
                case (6, 0):
                    kind = reader.Varint() switch
                    {
                        2 => ActivityKind.Server,
                        3 => ActivityKind.Client,
                        4 => ActivityKind.Producer,
                        5 => ActivityKind.Consumer,
                        _ => ActivityKind.Internal,
                    };
                    break;
                case (9, 2):
                    var (key, value) = KeyValue(reader.Bytes());
                    attributes[key] = value;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new OtlpSpan(service, scope, traceId, spanId, parent, name, kind, attributes);
    }

    private static Dictionary<string, string> Attributes(ReadOnlySpan<byte> message, int resourceField)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            if (field == resourceField && wire == 2)
            {
                var (key, value) = KeyValue(reader.Bytes());
                attributes[key] = value;
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return attributes;
    }

    /// <summary>A KeyValue with its AnyValue as text: string, bool, int and double values; others empty.</summary>
    private static (string Key, string Value) KeyValue(ReadOnlySpan<byte> message)
    {
        string key = "", value = "";
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                key = reader.Text();
            }
            else if (field == 2 && wire == 2)
            {
                var any = new Reader(reader.Bytes());
                while (any.Next(out var anyField, out var anyWire))
                {
                    value = (anyField, anyWire) switch
                    {
                        (1, 2) => any.Text(),
                        (2, 0) => any.Varint() != 0 ? "true" : "false",
                        (3, 0) => ((long)any.Varint()).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        (4, 1) => BitConverter.Int64BitsToDouble((long)any.Fixed64()).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => Skipped(ref any, anyWire),
                    };
                }
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return (key, value);
    }

    private static string Skipped(ref Reader reader, int wire)
    {
        reader.Skip(wire);
        return "";
    }

    private ref struct Reader(ReadOnlySpan<byte> buffer)
    {
        private readonly ReadOnlySpan<byte> _buffer = buffer;
        private int _position;

        public bool Next(out int field, out int wire)
        {
            if (_position >= _buffer.Length)
            {
                field = wire = 0;
                return false;
            }

            var tag = Varint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = _buffer[_position++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }

        public ulong Fixed64()
        {
            var value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer[_position..]);
            _position += 8;
            return value;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = (int)Varint();
            var bytes = _buffer.Slice(_position, length);
            _position += length;
            return bytes;
        }

        public string Text() => Encoding.UTF8.GetString(Bytes());

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0:
                    Varint();
                    break;
                case 1:
                    _position += 8;
                    break;
                case 2:
                    Bytes();
                    break;
                case 5:
                    _position += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {wire} is not supported.");
            }
        }
    }
}
