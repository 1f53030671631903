using System.Buffers.Binary;
using System.Security.Cryptography;

namespace AgentMesh.Ids;

/// <summary>
/// UUIDv7 ids that sort in creation order even within one millisecond (RFC 9562 §6.2, method 1): 48 bits
/// of Unix milliseconds, a 12-bit counter in <c>rand_a</c> that restarts at a random value each new
/// millisecond, and 62 random bits. When the counter runs out inside a millisecond the timestamp moves
/// on by one, so order holds at any rate. Their text form (<c>D</c>) sorts the same way.
/// </summary>
public sealed class TimeOrderedIds(TimeProvider time)
{
    private readonly Lock _gate = new();
    private long _lastMilliseconds;
    private int _counter;

    public Guid Next()
    {
        long milliseconds;
        int counter;
        lock (_gate)
        {
            milliseconds = time.GetUtcNow().ToUnixTimeMilliseconds();
            if (milliseconds > _lastMilliseconds)
            {
                _lastMilliseconds = milliseconds;
                _counter = RandomNumberGenerator.GetInt32(0, 1024);
            }
            else if (++_counter > 0xFFF)
            {
                _lastMilliseconds++;
                _counter = 0;
            }

            milliseconds = _lastMilliseconds;
            counter = _counter;
        }

        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[8..]);
        BinaryPrimitives.WriteInt64BigEndian(bytes, milliseconds << 16);
        bytes[6] = (byte)(0x70 | (counter >> 8));
        bytes[7] = (byte)counter;
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
