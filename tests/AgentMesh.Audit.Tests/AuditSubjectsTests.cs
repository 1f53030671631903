using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Audit.Tests;

public class AuditSubjectsTests
{
    private static readonly byte[] MasterKey = [.. Enumerable.Range(100, 32).Select(static i => (byte)i)];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Erase_OneSubject_ItsFieldsReadErasedOthersStayReadableAndEveryChainStillVerifies()
    {
        var (store, subjects, opened) = await WriteAsync(9);

        var erased = await subjects.EraseAsync("key-1", Cancellation);
        var page = await opened.QueryAsync(new AuditQuery { Limit = 100 }, Cancellation);
        var result = await AuditVerifier.VerifyAsync(store, "node-a", 1, null, AuditSamples.PublicKey, Cancellation);

        Assert.True(erased.Erased);
        Assert.Equal(subjects.Tag("key-1"), erased.Tag);
        Assert.True(result.Intact, result.Detail);
        Assert.Equal(9, result.EntriesChecked);
        foreach (var entry in page.Entries)
        {
            var actor = entry.View.Actor;
            if (entry.Sequence % 3 == 2)
            {
                Assert.Equal(AuditSubjects.Erased, actor.Id);
                Assert.Equal(AuditSubjects.Erased, actor.Ip);
                Assert.Equal(AuditSubjects.Erased, actor.UserAgent);
                Assert.Equal(AuditSubjects.Erased, entry.View.Details["query.email"]);
            }
            else
            {
                Assert.Equal($"key-{(entry.Sequence - 1) % 3}", actor.Id);
                Assert.Equal("127.0.0.1", actor.Ip);
                Assert.Equal("tests/1.0", actor.UserAgent);
                Assert.Equal($"person{entry.Sequence - 1}@example.com", entry.View.Details["query.email"]);
            }

            Assert.Equal("POST", entry.View.Details["method"]);
        }
    }

    [Fact]
    public async Task Stored_Entries_HoldNoPersonalFieldInClearAndHashTheSealedText()
    {
        var (store, _, _) = await WriteAsync(6);
        var hasher = new ChainHasher();

        await foreach (var entry in store.ReadAsync("node-a", 1, 6, Cancellation))
        {
            var e = entry.Event;
            var text = string.Join('|', e.Actor.Id, e.Actor.Ip, e.Actor.UserAgent, string.Join('|', e.Details.Values));
            Assert.DoesNotContain("key-", text, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
            Assert.DoesNotContain("example.com", text, StringComparison.Ordinal);
            Assert.True(AuditSubjects.IsSealed(e.Actor.Id));
            Assert.True(AuditSubjects.IsSealed(e.Details["query.email"]));
            Assert.Equal("200", e.Details["status"]);
            Assert.Equal(entry.Hash, hasher.Hash(entry.PreviousHash, entry.Chain, entry.Sequence, e));
        }
    }

    [Fact]
    public async Task Query_ByActor_FindsTheSubjectsEntriesThroughItsTagBeforeAndAfterErasure()
    {
        var (_, subjects, opened) = await WriteAsync(9);

        var before = await opened.QueryAsync(new AuditQuery { ActorId = "key-2" }, Cancellation);
        await subjects.EraseAsync("key-2", Cancellation);
        var after = await opened.QueryAsync(new AuditQuery { ActorId = "key-2" }, Cancellation);
        var other = await opened.QueryAsync(new AuditQuery { ActorId = "key-0" }, Cancellation);

        Assert.Equal([3L, 6L, 9L], before.Entries.Select(static e => e.Sequence));
        Assert.All(before.Entries, static e => Assert.Equal("key-2", e.View.Actor.Id));
        Assert.Equal([3L, 6L, 9L], after.Entries.Select(static e => e.Sequence));
        Assert.All(after.Entries, static e => Assert.Equal(AuditSubjects.Erased, e.View.Actor.Id));
        Assert.All(other.Entries, static e => Assert.Equal("key-0", e.View.Actor.Id));
    }

    [Fact]
    public async Task Export_AfterErasure_ShowsErasedFieldsAndStillVerifiesOffline()
    {
        var (_, subjects, opened) = await WriteAsync(5);
        await subjects.EraseAsync("key-0", Cancellation);
        using var output = new MemoryStream();

        await AuditExporter.WriteAsync(opened, new AuditQuery(), AuditSamples.PublicKey, filtered: false, output, Cancellation);
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var result = ExportVerifier.Verify(lines, AuditSamples.PublicKey);

        Assert.True(result.Intact, result.Detail);
        Assert.Equal(5, result.EntriesChecked);
        Assert.Equal(5, result.ProofsChecked);
        Assert.DoesNotContain(lines, static l => l.Contains("key-0", StringComparison.Ordinal) || l.Contains("person0@", StringComparison.Ordinal) || l.Contains("person3@", StringComparison.Ordinal));
        Assert.Contains(lines, static l => l.Contains("\"id\":\"key-1\"", StringComparison.Ordinal) && l.Contains("person1@example.com", StringComparison.Ordinal));
        Assert.Equal(2, lines.Count(static l => l.Contains("\"id\":\"[erased]\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Open_SealedTextChangedOrMovedToAnotherField_ReadsUnreadableAndBreaksTheHash()
    {
        var (store, subjects, _) = await WriteAsync(1);
        var stored = await store.ReadLastAsync("node-a", Cancellation);
        var swapped = stored! with { Event = stored.Event with { Actor = stored.Event.Actor with { Ip = stored.Event.Actor.UserAgent } } };

        var opened = Assert.Single(await subjects.OpenAsync([swapped], Cancellation));

        Assert.Equal(AuditSubjects.Unreadable, opened.View.Actor.Ip);
        Assert.Equal("key-0", opened.View.Actor.Id);
        Assert.NotEqual(stored.Hash, new ChainHasher().Hash(swapped.PreviousHash, swapped.Chain, swapped.Sequence, swapped.Event));
    }

    [Fact]
    public async Task Subjects_AnotherMasterKey_CannotOpenAndCannotLinkTheActor()
    {
        var (store, subjects, _) = await WriteAsync(3);
        var stranger = new AuditSubjects([.. Enumerable.Range(1, 32).Select(static i => (byte)i)], store);

        var entries = await ReadAllAsync(store);
        var opened = await stranger.OpenAsync(entries, Cancellation);

        Assert.NotEqual(subjects.Tag("key-0"), stranger.Tag("key-0"));
        Assert.All(opened, static e => Assert.Equal(AuditSubjects.Unreadable, e.View.Actor.Id));
    }

    [Fact]
    public async Task Start_AnotherMasterKeyThanTheStoreWasStartedWith_Refuses()
    {
        var (store, _, _) = await WriteAsync(1);
        await using var appender = new AuditAppender(
            store, new CheckpointSigner(AuditSamples.Key), new AuditOptions { Chain = "node-a" }, TimeProvider.System, NullLogger<AuditAppender>.Instance,
            subjects: new AuditSubjects([.. Enumerable.Range(1, 32).Select(static i => (byte)i)], store));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => appender.StartAsync(Cancellation));

        Assert.Contains("AgentMesh:Audit:SubjectKey", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seal_AnonymousActor_SubjectIsTheAddress()
    {
        var store = new InMemoryAuditStore();
        var subjects = new AuditSubjects(MasterKey, store);
        var anonymous = AuditSamples.Event(0) with { Actor = new AuditActor("anonymous", null, "10.1.2.3", null) };

        var sealedEvent = await subjects.SealAsync(anonymous, Cancellation);

        Assert.Null(sealedEvent.Actor.Id);
        Assert.Equal(subjects.Tag("ip:10.1.2.3"), AuditSubjects.TagOf(sealedEvent));
        Assert.True((await subjects.EraseAsync("ip:10.1.2.3", Cancellation)).Erased);
        Assert.False((await subjects.EraseAsync("ip:10.1.2.3", Cancellation)).Erased);
    }

    private static async Task<(InMemoryAuditStore Store, AuditSubjects Subjects, OpeningAuditStore Opened)> WriteAsync(int count)
    {
        var store = new InMemoryAuditStore();
        var subjects = new AuditSubjects(MasterKey, store);
        await using var appender = new AuditAppender(
            store, new CheckpointSigner(AuditSamples.Key), new AuditOptions { Chain = "node-a", CheckpointEvery = 4 }, TimeProvider.System, NullLogger<AuditAppender>.Instance, subjects: subjects);
        await appender.StartAsync(Cancellation);
        for (var i = 0; i < count; i++)
        {
            var e = AuditSamples.Event(i);
            await appender.AppendAsync(e with { Details = new Dictionary<string, string>(e.Details) { ["query.email"] = $"person{i}@example.com" } }, Cancellation);
        }

        await appender.StopAsync(Cancellation);
        return (store, subjects, new OpeningAuditStore(subjects));
    }

    private static async Task<List<AuditEntry>> ReadAllAsync(InMemoryAuditStore store)
    {
        var entries = new List<AuditEntry>();
        await foreach (var entry in store.ReadAsync("node-a", 1, long.MaxValue, Cancellation))
        {
            entries.Add(entry);
        }

        return entries;
    }
}
