using System.Buffers;
using System.Text.Json;
using AgentMesh.Protection;
using AgentMesh.Tasks;
using Microsoft.Extensions.Caching.Hybrid;

namespace AgentMesh.Caching;

/// <summary>
/// A task as the cache writes it to Redis: JSON, with input and output through the node's <see cref="IPayloadProtector"/>,
/// so a node that encrypts task data at rest does not leave it in clear text in Redis either.
/// </summary>
public sealed class MeshTaskSerializer(IPayloadProtector protector) : IHybridCacheSerializer<MeshTask>
{
    public MeshTask Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Utf8JsonReader(source);
        var entry = JsonSerializer.Deserialize(ref reader, CacheJsonContext.Default.CachedTask)
            ?? throw new JsonException("A cached task is empty.");
        return entry.Task with
        {
            Input = protector.Unprotect(entry.Input),
            Output = entry.Output is { } output ? protector.Unprotect(output) : null,
            AttemptBudgetStart = entry.AttemptBudgetStart,
        };
    }

    public void Serialize(MeshTask value, IBufferWriter<byte> target)
    {
        ArgumentNullException.ThrowIfNull(value);

        // Input and output leave the task (whose JSON shape writes them as raw JSON) and travel as strings, protected.
        var entry = new CachedTask(
            value with { Input = "null", Output = null },
            protector.Protect(value.Input),
            value.Output is { } output ? protector.Protect(output) : null,
            value.AttemptBudgetStart);
        using var writer = new Utf8JsonWriter(target);
        JsonSerializer.Serialize(writer, entry, CacheJsonContext.Default.CachedTask);
    }
}
