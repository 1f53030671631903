using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentMesh.Telemetry;

namespace AgentMesh.Nats.Outbox;

/// <summary>The relay's instruments on the <c>AgentMesh</c> meter, labelled by stream.</summary>
internal sealed class NatsRelayMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _published;
    private readonly Counter<long> _failures;
    private readonly KeyValuePair<string, object?> _stream;

    public NatsRelayMetrics(IMeterFactory? meterFactory, string stream, Func<long> observeLag)
    {
        _meter = meterFactory?.Create(MeshTelemetry.Name) ?? new Meter(MeshTelemetry.Name);
        _stream = new KeyValuePair<string, object?>("stream", stream);
        _published = _meter.CreateCounter<long>("agentmesh.outbox.published", "{event}", "Events the JetStream stream acknowledged (duplicates included).");
        _failures = _meter.CreateCounter<long>("agentmesh.outbox.publish_failures", "{event}", "Events whose publish failed or timed out; each is retried.");
        var streamTag = _stream;
        _meter.CreateObservableGauge("agentmesh.outbox.lag", () => new Measurement<long>(observeLag(), streamTag), "{event}", "Events committed to the store but not yet published to the stream.");
    }

    public void Published(int count)
    {
        if (count > 0)
        {
            var tags = new TagList { _stream };
            _published.Add(count, tags);
        }
    }

    public void Failed(int count)
    {
        if (count > 0)
        {
            var tags = new TagList { _stream };
            _failures.Add(count, tags);
        }
    }

    public void Dispose() => _meter.Dispose();
}
