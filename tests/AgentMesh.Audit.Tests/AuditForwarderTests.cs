using System.Text;
using System.Text.Json;
using AgentMesh.TestKit.Http;
using AgentMesh.TestKit.Syslog;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Audit.Tests;

public class AuditForwarderTests
{
    private const string Secret = "webhook-secret-of-at-least-32-bytes-0123456789";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Syslog_RealRsyslog_ReceivesEveryEntryOnceAsVerifiableRfc5424()
    {
        await using var rsyslog = await RsyslogServer.StartAsync(Cancellation);
        var store = await ChainAsync(5);
        var sink = new SyslogTcpSink(new SyslogSinkOptions { Host = "127.0.0.1", Port = rsyslog.Port });
        var forwarder = Forwarder(store, sink);

        Assert.Equal(5, await forwarder.ForwardOnceAsync(Cancellation));
        await AppendAsync(store, 6, 7);
        Assert.Equal(2, await forwarder.ForwardOnceAsync(Cancellation));
        Assert.Equal(0, await forwarder.ForwardOnceAsync(Cancellation));
        var lines = await rsyslog.WaitForMessagesAsync(7, TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(7, lines.Count);
        var hasher = new ChainHasher();
        for (var i = 0; i < lines.Count; i++)
        {
            var parts = lines[i].Split('|', 3);
            using var document = JsonDocument.Parse(parts[2].TrimStart().TrimStart('\uFEFF'));
            var entry = AuditJson.ReadEntry(document.RootElement, out _);
            Assert.Equal(i + 1, entry.Sequence);
            Assert.Equal(entry.Event.Action, parts[0]);
            Assert.Contains($"seq=\"{i + 1}\"", parts[1], StringComparison.Ordinal);
            Assert.Equal(entry.Hash, hasher.Hash(entry.PreviousHash, entry.Chain, entry.Sequence, entry.Event));
        }

        Assert.Equal(7, await store.ReadCursorAsync(sink.Name, "node-a", Cancellation));
    }

    [Fact]
    public void SyslogFormat_DeniedEntry_HasAuditFacilityWarningSeverityAndEscapedParameters()
    {
        var entry = new AuditEntry("node-a", 3, AuditSamples.Event(5) with { Tenant = "a\"b]c" }, new byte[32], new byte[32]);

        var message = Encoding.UTF8.GetString(SyslogFormat.Message(entry, 13));

        Assert.StartsWith("<108>1 2023-11-14T22:13:25.000000Z node-a agentmesh - task.read [agentmesh@32473 chain=\"node-a\" seq=\"3\" tenant=\"a\\\"b\\]c\" outcome=\"denied\"", message, StringComparison.Ordinal);
        Assert.Contains("] \uFEFF{\"chain\":\"node-a\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_ReceiverDown_KeepsTheCursorAndDeliversOnceItIsBack()
    {
        using var receiver = new WebhookReceiver();
        var store = await ChainAsync(4);
        var options = new AuditForwardingOptions { Webhook = new WebhookSinkOptions { Url = receiver.Url, Secret = Secret, MaxAttempts = 2 } };
        var sink = new WebhookSink(new HttpClient(), options.Webhook, TimeProvider.System);
        var forwarder = new AuditForwarder(store, [sink], options, "node-a", TimeProvider.System, NullLogger<AuditForwarder>.Instance);

        receiver.Failing = true;
        Assert.Equal(0, await forwarder.ForwardOnceAsync(Cancellation));
        Assert.Equal(0, await store.ReadCursorAsync(sink.Name, "node-a", Cancellation));
        receiver.Failing = false;
        Assert.Equal(4, await forwarder.ForwardOnceAsync(Cancellation));

        Assert.Equal(2, receiver.Rejected);
        var delivery = Assert.Single(receiver.Deliveries);
        Assert.Equal(WebhookSink.Sign(Secret, delivery.Timestamp!, delivery.Body), delivery.Signature);
        using var document = JsonDocument.Parse(delivery.Body);
        Assert.Equal([1L, 2, 3, 4], document.RootElement.GetProperty("entries").EnumerateArray().Select(static e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal(4, await store.ReadCursorAsync(sink.Name, "node-a", Cancellation));
    }

    private static AuditForwarder Forwarder(IAuditStore store, IAuditSink sink) =>
        new(store, [sink], new AuditForwardingOptions(), "node-a", TimeProvider.System, NullLogger<AuditForwarder>.Instance);

    private static async Task<InMemoryAuditStore> ChainAsync(int count)
    {
        var store = new InMemoryAuditStore();
        await AppendAsync(store, 1, count);
        return store;
    }

    private static async Task AppendAsync(InMemoryAuditStore store, int from, int to)
    {
        await using var appender = AuditSamples.Appender(store);
        await appender.StartAsync(Cancellation);
        for (var i = from; i <= to; i++)
        {
            await appender.AppendAsync(AuditSamples.Event(i), Cancellation);
        }

        await appender.StopAsync(Cancellation);
    }
}
