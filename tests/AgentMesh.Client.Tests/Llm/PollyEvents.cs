using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AgentMesh.Client.Tests.Llm;

/// <summary>Records Polly's <c>resilience.polly.strategy.events</c> measurements as <c>pipeline.name/event.name</c>, while alive.</summary>
internal sealed class PollyEvents : IDisposable
{
    private readonly MeterListener _listener = new();

    public PollyEvents()
    {
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Polly" && instrument.Name == "resilience.polly.strategy.events")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, _, tags, _) => Record(tags));
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) => Record(tags));
        _listener.Start();
    }

    public ConcurrentQueue<string> Events { get; } = new();

    public void Dispose() => _listener.Dispose();

    private void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? pipeline = null, name = null;
        foreach (var (key, value) in tags)
        {
            pipeline = key == "pipeline.name" ? value as string : pipeline;
            name = key == "event.name" ? value as string : name;
        }

        Events.Enqueue($"{pipeline}/{name}");
    }
}
