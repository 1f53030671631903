using System.Text.Json;
using AgentMesh.Events;
using AgentMesh.Tasks;
using BenchmarkDotNet.Attributes;

namespace AgentMesh.Benchmarks;

/// <summary>Serializing an event payload once (when it is made) and writing its CloudEvents envelope (per reader).</summary>
[MemoryDiagnoser]
public class EventBenchmarks
{
    private readonly TaskEventData _data = new(Guid.CreateVersion7(), "summarize", MeshTaskStatus.Succeeded, 3, 1, "agent-00042", null, null, null, null, "order-42");
    private MeshEvent _event = null!;

    [GlobalSetup]
    public void Setup() => _event = new MeshEvent
    {
        Id = Guid.CreateVersion7(),
        Sequence = 123_456,
        Tenant = "acme",
        Type = EventTypes.TaskSucceeded,
        Subject = $"tasks/{_data.TaskId}",
        Time = DateTimeOffset.UtcNow,
        TaskId = _data.TaskId,
        TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        Data = Payload(),
    };

    [Benchmark(Description = "payload: TaskEventData → UTF-8 JSON")]
    public byte[] Payload() => JsonSerializer.SerializeToUtf8Bytes(_data, CoreJsonContext.Default.TaskEventData);

    [Benchmark(Description = "envelope: CloudEvents JSON")]
    public byte[] Envelope() => CloudEventWriter.ToUtf8(_event);
}
