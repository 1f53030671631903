using AgentMesh.Ids;
using Microsoft.Extensions.Time.Testing;

namespace AgentMesh.Core.Tests.Ids;

public class TimeOrderedIdsTests
{
    [Fact]
    public void Next_ManyWithinOneMillisecond_SortInCreationOrderAsText()
    {
        var ids = new TimeOrderedIds(new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero)));

        var made = Enumerable.Range(0, 10_000).Select(_ => ids.Next().ToString()).ToList();

        Assert.Equal(made, made.Order(StringComparer.Ordinal));
        Assert.Equal(made.Count, made.Distinct().Count());
    }

    [Fact]
    public void Next_IsVersion7WithTheRfcVariantAndTheClockInItsFirst48Bits()
    {
        var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, 123, TimeSpan.Zero);

        var id = new TimeOrderedIds(new FakeTimeProvider(now)).Next();
        var bytes = id.ToByteArray(bigEndian: true);

        Assert.Equal(7, id.Version);
        Assert.Equal(0x80, bytes[8] & 0xC0);
        Assert.Equal(now.ToUnixTimeMilliseconds(), (long)(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16));
    }
}
