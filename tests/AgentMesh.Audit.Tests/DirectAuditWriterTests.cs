namespace AgentMesh.Audit.Tests;

public class DirectAuditWriterTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendAsync_ChainWrittenBefore_ContinuesItWithACheckpointThatVerifies()
    {
        var store = new InMemoryAuditStore();
        var subjects = new AuditSubjects(new byte[SubjectKeyFile.KeySize], store);
        await DirectAuditWriter.AppendAsync(subjects, new CheckpointSigner(AuditSamples.Key), "node-a-cli", [AuditSamples.Event(1), AuditSamples.Event(2)], TimeProvider.System, Cancellation);

        var entries = await DirectAuditWriter.AppendAsync(subjects, new CheckpointSigner(AuditSamples.Key), "node-a-cli", [AuditSamples.Event(3)], TimeProvider.System, Cancellation);

        Assert.Equal(3, Assert.Single(entries).Sequence);
        Assert.Equal(AuditSamples.Event(3).Actor, entries[0].Opened!.Actor);
        Assert.True(AuditSubjects.IsSealed(entries[0].Event.Actor.Id));
        var result = await AuditVerifier.VerifyAsync(store, "node-a-cli", 1, null, AuditSamples.PublicKey, Cancellation);
        Assert.True(result.Intact, result.Detail);
        Assert.Equal((3, 2), (result.EntriesChecked, result.CheckpointsChecked));
        Assert.Equal([2L, 3L], (await store.ReadCheckpointsAsync("node-a-cli", Cancellation)).Select(static c => c.TreeSize));
    }
}
