using AgentMesh.Events;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace AgentMesh.Nats.Outbox;

public sealed partial class NatsOutboxRelay
{
    private const string ContentType = "application/cloudevents+json; charset=utf-8";

    /// <summary>
    /// Creates the stream, or brings an existing one to capture <c>agentmesh.&gt;</c> with the configured duplicate
    /// window, keeping whatever else an operator set on it (retention, limits, replicas).
    /// </summary>
    private async Task EnsureStreamAsync(NatsJSContext js, CancellationToken cancellationToken)
    {
        const string subjects = NatsSubjects.Root + ".>";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        StreamConfig config;
        try
        {
            var existing = await js.GetStreamAsync(_options.Stream, cancellationToken: timeout.Token);
            config = existing.Info.Config;
            if (config.Subjects?.Contains(subjects) == true && config.DuplicateWindow == _options.DuplicateWindow)
            {
                return;
            }
        }
        catch (NatsJSApiException exception) when (exception.Error.Code == 404)
        {
            config = new StreamConfig(_options.Stream, [subjects])
            {
                Description = "AgentMesh domain events as CloudEvents 1.0 JSON; Nats-Msg-Id is the event id.",
                Storage = StreamConfigStorage.File,
                Retention = StreamConfigRetention.Limits,
            };
        }

        config.Subjects = [.. (config.Subjects ?? []).Append(subjects).Distinct(StringComparer.Ordinal)];
        config.DuplicateWindow = _options.DuplicateWindow;
        await js.CreateOrUpdateStreamAsync(config, timeout.Token);
    }

    /// <summary>
    /// Publishes the batch pipelined, then awaits every acknowledgement in order. <see cref="Round.Published"/>
    /// is the length of the acknowledged prefix: the cursor may move past those events and no further.
    /// </summary>
    private async Task<Round> PublishAsync(NatsJSContext js, IReadOnlyList<MeshEvent> batch, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        var acks = new Task<PubAckResponse>[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var meshEvent = batch[i];
            acks[i] = js.PublishAsync(
                NatsSubjects.For(meshEvent),
                CloudEventWriter.ToUtf8(meshEvent),
                opts: new NatsJSPubOpts { MsgId = meshEvent.Id.ToString() },
                headers: new NatsHeaders { ["Content-Type"] = ContentType },
                cancellationToken: timeout.Token).AsTask();
        }

        var published = 0;
        Exception? failure = null;
        foreach (var ack in acks)
        {
            try
            {
                var response = await ack;
                if (!response.Duplicate)
                {
                    response.EnsureSuccess();
                }

                if (failure is null)
                {
                    published++;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure ??= new TimeoutException($"JetStream did not acknowledge within {_options.PublishTimeout.TotalSeconds} s.");
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                failure ??= exception;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new Round(published, failure);
    }

    /// <summary>
    /// One attempt of the publish pipeline: a round that published nothing throws its failure, so the pipeline may
    /// retry it; a round with an acknowledged prefix returns, so the cursor moves past that prefix first.
    /// </summary>
    private async ValueTask<Round> PublishOrThrowAsync(NatsJSContext js, IReadOnlyList<MeshEvent> batch, CancellationToken cancellationToken)
    {
        var round = await PublishAsync(js, batch, cancellationToken);
        if (round is { Published: 0, Failure: { } failure })
        {
            _metrics.Failed(batch.Count);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return round;
    }

    /// <summary>NATS out of reach, slow or briefly without a JetStream responder; never a refused request.</summary>
    private static bool IsTransient(Exception exception) => exception switch
    {
        NatsJSApiException api => api.Error.Code == 503,
        NatsException or TimeoutException or IOException => true,
        _ => false,
    };

    private readonly record struct Round(int Published, Exception? Failure);
}
