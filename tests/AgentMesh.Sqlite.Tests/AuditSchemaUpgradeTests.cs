using AgentMesh.Audit;
using AgentMesh.Sqlite.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Sqlite.Tests;

/// <summary>An audit.db written before personal fields were sealed opens, keeps verifying and takes sealed entries.</summary>
public sealed class AuditSchemaUpgradeTests : IDisposable
{
    private readonly TemporaryDatabase _database = new("audit.db");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Initialize_Version1File_AddsTheSubjectColumnAndTheChainGoesOn()
    {
        var signer = new CheckpointSigner(new byte[32]);
        await using (var store = new SqliteAuditStore(_database.FilePath))
        {
            await AppendAsync(store, signer, subjects: null, count: 3);
        }

        using (var connection = _database.OpenRaw())
        using (var downgrade = connection.CreateCommand())
        {
            downgrade.CommandText = "DROP INDEX audit_entries_by_subject; DROP TABLE audit_subject_keys; ALTER TABLE audit_entries DROP COLUMN actor_subject; PRAGMA user_version = 1;";
            downgrade.ExecuteNonQuery();
        }

        await using var upgraded = new SqliteAuditStore(_database.FilePath);
        var subjects = new AuditSubjects([.. Enumerable.Range(1, 32).Select(static i => (byte)i)], upgraded);
        await AppendAsync(upgraded, signer, subjects, count: 2);
        var result = await AuditVerifier.VerifyAsync(upgraded, "node-a", 1, null, signer.PublicKey, Cancellation);
        var byActor = await new OpeningAuditStore(subjects).QueryAsync(new AuditQuery { ActorId = "key-1" }, Cancellation);

        Assert.True(result.Intact, result.Detail);
        Assert.Equal(5, result.EntriesChecked);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], byActor.Entries.Select(static e => e.Sequence));
        Assert.All(byActor.Entries, static e => Assert.Equal("key-1", e.View.Actor.Id));
        Assert.False(AuditSubjects.IsSealed(byActor.Entries[0].Event.Actor.Id));
        Assert.True(AuditSubjects.IsSealed(byActor.Entries[4].Event.Actor.Id));
    }

    private static async Task AppendAsync(SqliteAuditStore store, CheckpointSigner signer, AuditSubjects? subjects, int count)
    {
        await using var appender = new AuditAppender(store, signer, new AuditOptions { Chain = "node-a" }, TimeProvider.System, NullLogger<AuditAppender>.Instance, subjects: subjects);
        await appender.StartAsync(Cancellation);
        for (var i = 0; i < count; i++)
        {
            await appender.AppendAsync(
                new AuditEvent(DateTimeOffset.UtcNow, "acme", new AuditActor("api_key", "key-1", "127.0.0.1", null), "task.read", new AuditResource("task", "t"), AuditOutcome.Success, null, null, null, DataClassification.Confidential, AuditEvent.NoDetails),
                Cancellation);
        }

        await appender.StopAsync(Cancellation);
    }
}
