using System.Text.Json.Nodes;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace AgentMesh.TestKit.Services;

/// <summary>Reads AGENTMESH_EVENTS the way a user would: a durable pull consumer from the start of the stream.</summary>
public sealed class JetStreamReader : IAsyncDisposable
{
    public const string Stream = "AGENTMESH_EVENTS";

    private readonly NatsConnection _connection;
    private readonly NatsJSContext _js;

    public JetStreamReader(string url)
    {
        _connection = new NatsConnection(NatsOpts.Default with { Url = url });
        _js = new NatsJSContext(_connection);
    }

    /// <summary>Messages in the stream; 0 while the relay has not created it yet.</summary>
    public async Task<long> MessageCountAsync()
    {
        try
        {
            var stream = await _js.GetStreamAsync(Stream, cancellationToken: TestContext.Current.CancellationToken);
            return stream.Info.State.Messages;
        }
        catch (NatsJSApiException exception) when (exception.Error.Code == 404)
        {
            return 0;
        }
    }

    public async Task<StreamInfo> InfoAsync() =>
        (await _js.GetStreamAsync(Stream, cancellationToken: TestContext.Current.CancellationToken)).Info;

    /// <summary>Every message in the stream now, in stream order, through a new durable consumer (acknowledging each, or none when <paramref name="acknowledge"/> is false, for speed).</summary>
    public async Task<IReadOnlyList<StreamMessage>> ReadAllAsync(bool acknowledge = true)
    {
        var ct = TestContext.Current.CancellationToken;
        var consumer = await _js.CreateOrUpdateConsumerAsync(
            Stream,
            new ConsumerConfig("reader-" + Guid.NewGuid().ToString("N")) { AckPolicy = acknowledge ? ConsumerConfigAckPolicy.Explicit : ConsumerConfigAckPolicy.None },
            ct);
        var messages = new List<StreamMessage>();
        while (true)
        {
            var round = 0;
            await foreach (var message in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 1000 }, cancellationToken: ct))
            {
                round++;
                messages.Add(new StreamMessage(
                    message.Subject,
                    message.Headers?.TryGetValue("Nats-Msg-Id", out var id) == true ? id.ToString() : null,
                    message.Headers?.TryGetValue("Content-Type", out var type) == true ? type.ToString() : null,
                    JsonNode.Parse(message.Data!)!.AsObject()));
                if (acknowledge)
                {
                    await message.AckAsync(cancellationToken: ct);
                }
            }

            if (round == 0)
            {
                return messages;
            }
        }
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
