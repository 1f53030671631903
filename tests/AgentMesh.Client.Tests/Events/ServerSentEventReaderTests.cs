using System.Text;

namespace AgentMesh.Client.Tests.Events;

public class ServerSentEventReaderTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadAsync_MultiLineData_JoinsWithNewline()
    {
        using var reader = Reader("data: first\ndata: second\ndata:third\n\n");

        var message = await reader.ReadAsync(Token);

        Assert.Equal("first\nsecond\nthird", message!.Data);
        Assert.Equal("message", message.Event);
    }

    [Fact]
    public async Task ReadAsync_Comments_AreIgnored()
    {
        using var reader = Reader(": keep-alive\n\n:another\ndata: x\n: inside\n\n");

        var message = await reader.ReadAsync(Token);

        Assert.Equal("x", message!.Data);
        Assert.Null(await reader.ReadAsync(Token));
    }

    [Fact]
    public async Task ReadAsync_IdLine_SetsIdAndPersists()
    {
        using var reader = Reader("id: 41\nevent: agentmesh.task.succeeded\ndata: a\n\ndata: b\n\n");

        var first = await reader.ReadAsync(Token);
        var second = await reader.ReadAsync(Token);

        Assert.Equal(new ServerSentEvent("41", "agentmesh.task.succeeded", "a"), first);
        Assert.Equal(new ServerSentEvent("41", "message", "b"), second);
        Assert.Equal("41", reader.LastEventId);
    }

    [Fact]
    public async Task ReadAsync_CrLfAndCr_Parsed()
    {
        using var reader = Reader("id: 7\r\ndata: a\r\n\r\ndata: b\r\r");

        Assert.Equal("a", (await reader.ReadAsync(Token))!.Data);
        Assert.Equal("b", (await reader.ReadAsync(Token))!.Data);
    }

    [Fact]
    public async Task ReadAsync_RetryField_Remembered()
    {
        using var reader = Reader("retry: 1500\ndata: x\n\n");

        await reader.ReadAsync(Token);

        Assert.Equal(1500, reader.RetryMilliseconds);
    }

    [Fact]
    public async Task ReadAsync_PartialEventAtEnd_Discarded()
    {
        using var reader = Reader("data: complete\n\ndata: partial");

        Assert.Equal("complete", (await reader.ReadAsync(Token))!.Data);
        Assert.Null(await reader.ReadAsync(Token));
    }

    [Fact]
    public async Task ReadAsync_FieldWithoutColon_HasEmptyValue()
    {
        using var reader = Reader("data\ndata\n\n");

        Assert.Equal("\n", (await reader.ReadAsync(Token))!.Data);
    }

    private static ServerSentEventReader Reader(string text) => new(new MemoryStream(Encoding.UTF8.GetBytes(text)));
}
