using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Audit.Tests;

internal static class AuditSamples
{
    public static AuditEvent Event(int i, string tenant = "acme") => new(
        DateTimeOffset.UnixEpoch.AddSeconds(1_700_000_000 + i),
        tenant,
        new AuditActor("api_key", $"key-{i % 3}", "127.0.0.1", "tests/1.0"),
        i % 2 == 0 ? "task.create" : "task.read",
        new AuditResource("task", $"task-{i}"),
        i % 5 == 0 ? AuditOutcome.Denied : AuditOutcome.Success,
        i % 5 == 0 ? "forbidden" : null,
        $"req-{i}",
        null,
        DataClassification.Confidential,
        new Dictionary<string, string> { ["status"] = "200", ["method"] = "POST" });

    public static AuditAppender Appender(IAuditStore store, AuditOptions? options = null, TimeProvider? time = null) =>
        new(store, new CheckpointSigner(Key), options ?? new AuditOptions { Chain = "node-a" }, time ?? TimeProvider.System, NullLogger<AuditAppender>.Instance);

    public static byte[] Key { get; } = Enumerable.Range(1, 32).Select(static i => (byte)i).ToArray();

    public static byte[] PublicKey { get; } = new CheckpointSigner(Key).PublicKey;
}
