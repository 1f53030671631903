using AgentMesh.Events;
using AgentMesh.TestKit.Storage;

namespace AgentMesh.Core.Tests.Events;

public class EventHubTests
{
    [Fact]
    public async Task WhenPublishedAfter_NothingLaterYet_CompletesOnTheNextPublish()
    {
        var hub = new EventHub();
        hub.Publish([Sequenced(3)]);

        var waiting = hub.WhenPublishedAfter(3);
        Assert.False(waiting.IsCompleted);
        hub.Publish([Sequenced(4), Sequenced(5)]);

        await waiting.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(5, hub.LastPublished);
    }

    [Fact]
    public void WhenPublishedAfter_LaterAlreadyPublished_IsCompleted()
    {
        var hub = new EventHub();
        hub.Publish([Sequenced(7)]);

        Assert.True(hub.WhenPublishedAfter(6).IsCompleted);
        Assert.False(hub.WhenPublishedAfter(7).IsCompleted);
    }

    [Fact]
    public void WhenPublishedAfter_EmptyPublish_KeepsWaiting()
    {
        var hub = new EventHub();
        var waiting = hub.WhenPublishedAfter(0);

        hub.Publish([]);

        Assert.False(waiting.IsCompleted);
        Assert.Equal(0, hub.LastPublished);
    }

    private static MeshEvent Sequenced(long sequence)
    {
        var meshEvent = MeshSamples.Event();
        meshEvent.Sequence = sequence;
        return meshEvent;
    }
}
