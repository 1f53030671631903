using AgentMesh.Events;
using AgentMesh.TestKit;
using AgentMesh.TestKit.Services;

namespace AgentMesh.Nats.Tests;

public class OutboxRelayTests
{
    [Fact]
    public async Task Relay_CommittedEvents_EachInStreamOnceWithSubjectHeadersAndCloudEvent()
    {
        await using var harness = await RelayHarness.StartAsync();
        var events = await harness.CommitEventsAsync(120);

        await harness.StartRelayAsync();
        await using var reader = new JetStreamReader(harness.Nats.Url);
        await Eventually.TrueAsync(async () => await reader.MessageCountAsync() >= events.Count, $"{events.Count} messages are in the stream");
        var messages = await reader.ReadAllAsync();

        Assert.Equal(events.Select(e => e.Id.ToString()), messages.Select(m => m.Id));
        for (var i = 0; i < events.Count; i++)
        {
            var (meshEvent, message) = (events[i], messages[i]);
            Assert.Equal($"agentmesh.{meshEvent.Tenant}.{meshEvent.Type["agentmesh.".Length..]}", message.Subject);
            Assert.Equal(meshEvent.Id.ToString(), message.MsgId);
            Assert.Equal("application/cloudevents+json; charset=utf-8", message.ContentType);
            Assert.Equal("1.0", (string)message.Body["specversion"]!);
            Assert.Equal(meshEvent.Type, (string)message.Body["type"]!);
            Assert.Equal(meshEvent.Subject, (string)message.Body["subject"]!);
            Assert.Equal(meshEvent.Tenant, (string)message.Body["tenant"]!);
            Assert.Equal(meshEvent.Sequence, (long)message.Body["sequence"]!);
            Assert.Equal(meshEvent.TraceParent, (string)message.Body["traceparent"]!);
            Assert.Equal(meshEvent.TaskId.ToString(), (string)message.Body["data"]!["taskId"]!);
        }
    }

    [Fact]
    public async Task Relay_Stream_IsFileStoredWithDuplicateWindowOverAgentMeshSubjects()
    {
        await using var harness = await RelayHarness.StartAsync();
        var relay = await harness.StartRelayAsync();
        await using var reader = new JetStreamReader(harness.Nats.Url);
        await Eventually.TrueAsync(() => relay.Status.State == "publishing", "the relay created the stream");

        var info = await reader.InfoAsync();

        Assert.Equal(["agentmesh.>"], info.Config.Subjects);
        Assert.Equal(NATS.Client.JetStream.Models.StreamConfigStorage.File, info.Config.Storage);
        Assert.Equal(TimeSpan.FromMinutes(2), info.Config.DuplicateWindow);
    }

    [Fact]
    public async Task Relay_Restarted_ResumesFromItsCursorWithoutGapOrRepeat()
    {
        await using var harness = await RelayHarness.StartAsync();
        var first = await harness.CommitEventsAsync(40);
        var relay = await harness.StartRelayAsync(batchSize: 16);
        await harness.WaitCaughtUpAsync(relay);
        await RelayHarness.StopRelayAsync(relay);
        Assert.Equal(first[^1].Sequence, await harness.Store.LoadCursorAsync("nats", TestContext.Current.CancellationToken));

        var second = await harness.CommitEventsAsync(30);
        var restarted = await harness.StartRelayAsync(batchSize: 16);
        await harness.WaitCaughtUpAsync(restarted);

        await using var reader = new JetStreamReader(harness.Nats.Url);
        var messages = await reader.ReadAllAsync();
        Assert.Equal(first.Concat(second).Select(e => e.Id.ToString()), messages.Select(m => m.Id));
        Assert.Equal(second.Count, restarted.Status.Published);
    }

    [Fact]
    public async Task Relay_PublishedButCursorNotSaved_StreamDropsTheRepublishedDuplicates()
    {
        await using var harness = await RelayHarness.StartAsync();
        var events = await harness.CommitEventsAsync(60);
        var relay = await harness.StartRelayAsync();
        await harness.WaitCaughtUpAsync(relay);
        await RelayHarness.StopRelayAsync(relay);

        // A relay whose cursor was never saved is where a crash between publish and cursor save leaves one.
        var replay = await harness.StartRelayAsync(cursor: "nats-unsaved");
        await harness.WaitCaughtUpAsync(replay);

        await using var reader = new JetStreamReader(harness.Nats.Url);
        var messages = await reader.ReadAllAsync();
        Assert.Equal(events.Count, replay.Status.Published);
        Assert.Equal(events.Count, await reader.MessageCountAsync());
        Assert.Equal(events.Select(e => e.Id.ToString()), messages.Select(m => m.Id));
    }

    [Fact]
    public async Task Relay_NatsStoppedThenStarted_KeepsLagThenDeliversEverythingOnce()
    {
        await using var harness = await RelayHarness.StartAsync();
        var before = await harness.CommitEventsAsync(20);
        var relay = await harness.StartRelayAsync();
        await harness.WaitCaughtUpAsync(relay);

        await harness.Nats.StopAsync();
        var during = await harness.CommitEventsAsync(35);
        await Eventually.TrueAsync(() => relay.Status is { State: "retrying", Lag: 35 }, $"the relay reports the outage with 35 events waiting (status: {relay.Status})");
        Assert.Equal(before[^1].Sequence, await harness.Store.LoadCursorAsync("nats", TestContext.Current.CancellationToken));

        await harness.Nats.StartAsync();
        await harness.WaitCaughtUpAsync(relay);

        await using var reader = new JetStreamReader(harness.Nats.Url);
        var messages = await reader.ReadAllAsync();
        Assert.Equal(before.Concat(during).Select(e => e.Id.ToString()), messages.Select(m => m.Id).Distinct());
        Assert.Equal(before.Count + during.Count, await reader.MessageCountAsync());
        Assert.Equal(0, relay.Lag);
        Assert.Equal("publishing", relay.Status.State);
        Assert.True(relay.Status.Failures > 0);
    }

    [Fact]
    public async Task Relay_NatsDownAtStart_PublishesEverythingOnceNatsArrives()
    {
        await using var harness = await RelayHarness.StartAsync();
        await harness.Nats.StopAsync();
        var events = await harness.CommitEventsAsync(25);

        var relay = await harness.StartRelayAsync();
        await Eventually.TrueAsync(() => relay.Status is { State: "retrying", Lag: 25, Cursor: 0 }, $"the relay waits for NATS with 25 events (status: {relay.Status})");
        await harness.Nats.StartAsync();
        await harness.WaitCaughtUpAsync(relay);

        await using var reader = new JetStreamReader(harness.Nats.Url);
        var messages = await reader.ReadAllAsync();
        Assert.Equal(events.Select(e => e.Id.ToString()), messages.Select(m => m.Id));
    }
}
