using AgentMesh.Protection;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.TestKit.Services;
using AgentMesh.TestKit.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AgentMesh.PostgreSql.Tests;

/// <summary>
/// <c>keys reencrypt</c> on a cluster's database: the store connects as the nodes do (a role that is not a superuser,
/// under row-level security); raw rows are read as a superuser, the way someone with a copy of the database would.
/// </summary>
public sealed class ReencryptTests(PostgresServer server)
{
    private static readonly byte[] FirstKey = PayloadKeyring.NewKey();
    private static readonly byte[] SecondKey = PayloadKeyring.NewKey();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reencrypt_TasksOfTwoTenantsUnderTheOldKey_AllMoveToTheNewKeyAndReadBackEqual()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var tasks = Enumerable.Range(0, 300).Select(Sample).ToList();
        await using (var first = Store(connectionString, "k1"))
        {
            await first.InitializeAsync(Cancellation);
            await first.CommitAsync([.. tasks.Select(static task => new ChangeSet().PutCreated(task))], Cancellation);
        }

        await using var second = Store(connectionString, "k2");
        await second.InitializeAsync(Cancellation);
        var progress = new Collected();

        var rewritten = await second.ReencryptAsync(progress, Cancellation);

        Assert.Equal(300, rewritten);
        Assert.Equal(new[] { new ReencryptProgress(256, 256, 0), new ReencryptProgress(300, 300, 0) }, progress.Reports);
        var rows = await RawRowsAsync(connectionString);
        Assert.Equal(300, rows.Count);
        Assert.All(rows, row => Assert.Equal("k2", ProtectedPayload.KeyId(row.Input)));
        Assert.All(rows.Where(static row => row.Output is not null), row => Assert.Equal("k2", ProtectedPayload.KeyId(row.Output!)));
        Assert.Equal(100, rows.Count(static row => row.Output is not null));
        Assert.DoesNotContain(rows, static row => row.Input.Contains("pelican", StringComparison.Ordinal) || (row.Output?.Contains("heron", StringComparison.Ordinal) ?? false));
        foreach (var task in tasks)
        {
            var read = (await second.GetTaskAsync(task.Tenant, task.Id, Cancellation))!;
            Assert.Equal(task.Input, read.Input);
            Assert.Equal(task.Output, read.Output);
        }
    }

    [Fact]
    public async Task Reencrypt_RunTwice_SecondRunChangesNothing()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using (var first = Store(connectionString, "k1"))
        {
            await first.InitializeAsync(Cancellation);
            await first.CommitAsync([.. Enumerable.Range(0, 10).Select(static i => new ChangeSet().PutCreated(Sample(i)))], Cancellation);
        }

        await using var second = Store(connectionString, "k2");
        await second.InitializeAsync(Cancellation);
        await second.ReencryptAsync(progress: null, Cancellation);
        var before = await RawRowsAsync(connectionString);

        var again = await second.ReencryptAsync(progress: null, Cancellation);

        Assert.Equal(0, again);
        Assert.Equal(before, await RawRowsAsync(connectionString));
    }

    [Fact]
    public async Task Reencrypt_RowsWrittenInClear_AreEncrypted()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var task = Sample(2);
        await using (var clear = new PostgresMeshStore(new PostgresStoreOptions { ConnectionString = connectionString }, NullLoggerFactory.Instance, PlaintextPayloads.Instance))
        {
            await clear.InitializeAsync(Cancellation);
            await clear.CommitAsync([new ChangeSet().PutCreated(task)], Cancellation);
        }

        await using var store = Store(connectionString, "k2");
        await store.InitializeAsync(Cancellation);

        var rewritten = await store.ReencryptAsync(progress: null, Cancellation);

        Assert.Equal(1, rewritten);
        var row = Assert.Single(await RawRowsAsync(connectionString));
        Assert.Equal("k2", ProtectedPayload.KeyId(row.Input));
        Assert.Equal("k2", ProtectedPayload.KeyId(row.Output!));
        Assert.Equal(task.Output, (await store.GetTaskAsync(task.Tenant, task.Id, Cancellation))!.Output);
    }

    [Fact]
    public async Task Reencrypt_RowANodeIsWriting_IsSkippedNotWaitedForAndTheNextRunTakesIt()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var busy = MeshSamples.Assigned(Sample(1) with { Output = null });
        var idle = Sample(3);
        await using (var first = Store(connectionString, "k1"))
        {
            await first.InitializeAsync(Cancellation);
            await first.CommitAsync([new ChangeSet().PutCreated(busy), new ChangeSet().PutCreated(idle)], Cancellation);
        }

        await using var second = Store(connectionString, "k2");
        await second.InitializeAsync(Cancellation);
        var newerOutput = """{"answer":"written by the leader meanwhile"}""";
        using var oldKey = Protector("k1");
        await using var leader = new NpgsqlConnection(PostgresServer.AsSuperuser(connectionString));
        await leader.OpenAsync(Cancellation);
        await using var write = await leader.BeginTransactionAsync(Cancellation);
        await using (var update = new NpgsqlCommand("UPDATE tasks SET version = version + 1, status = 'succeeded', output = $1 WHERE id = $2", leader, write))
        {
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = oldKey.Protect(newerOutput) });
            update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = busy.Id });
            await update.ExecuteNonQueryAsync(Cancellation);
        }

        // The run ends while the node's transaction is still open: it skips the locked row instead of waiting for it.
        var progress = new Collected();
        var rewritten = await second.ReencryptAsync(progress, Cancellation);
        await write.CommitAsync(Cancellation);

        Assert.Equal(1, rewritten);
        Assert.Equal(new ReencryptProgress(2, 1, 1), progress.Reports[^1]);
        var row = (await RawRowsAsync(connectionString)).Single(row => row.Id == busy.Id);
        Assert.Equal(busy.Version + 1, row.Version);
        Assert.Equal("k1", ProtectedPayload.KeyId(row.Output!));
        Assert.Equal(newerOutput, (await second.GetTaskAsync(busy.Tenant, busy.Id, Cancellation))!.Output);

        var again = await second.ReencryptAsync(progress: null, Cancellation);

        Assert.Equal(1, again);
        row = (await RawRowsAsync(connectionString)).Single(row => row.Id == busy.Id);
        Assert.Equal("k2", ProtectedPayload.KeyId(row.Input));
        Assert.Equal("k2", ProtectedPayload.KeyId(row.Output!));
        Assert.Equal(newerOutput, (await second.GetTaskAsync(busy.Tenant, busy.Id, Cancellation))!.Output);
    }

    [Fact]
    public async Task Reencrypt_WhileANodeKeepsWriting_LosesNoWrite()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var tasks = Enumerable.Range(0, 600).Select(static i => MeshSamples.Assigned(Sample(i * 3) with { Output = null })).ToArray();
        await using var leader = Store(connectionString, "k1");
        await leader.InitializeAsync(Cancellation);
        await leader.CommitAsync([.. tasks.Select(static task => new ChangeSet().PutCreated(task))], Cancellation);
        await using var second = Store(connectionString, "k2");
        await second.InitializeAsync(Cancellation);

        // Each task is written once more, so a write the re-encryption overwrote would stay lost to the end.
        var writing = Task.Run(
            async () =>
            {
                foreach (var chunk in tasks.Chunk(4))
                {
                    var written = chunk.Select(static task => MeshSamples.Succeeded(task) with { Output = $$"""{"done":"{{task.Id}}"}""" }).ToArray();
                    await leader.CommitAsync([.. written.Select(static task => new ChangeSet().Put(task))], Cancellation);
                }
            },
            Cancellation);
        while (!writing.IsCompleted)
        {
            await second.ReencryptAsync(progress: null, Cancellation);
        }

        await writing;
        await second.ReencryptAsync(progress: null, Cancellation);

        foreach (var task in tasks)
        {
            var read = (await second.GetTaskAsync(task.Tenant, task.Id, Cancellation))!;
            Assert.Equal(task.Version + 1, read.Version);
            Assert.Equal($$"""{"done":"{{task.Id}}"}""", read.Output);
        }

        Assert.All(await RawRowsAsync(connectionString), row => Assert.Equal("k2", ProtectedPayload.KeyId(row.Output!)));
    }

    private static MeshTask Sample(int i)
    {
        var task = MeshSamples.Task(i % 2 == 0 ? "acme" : "globex") with { Input = $$"""{"secret":"pelican-{{i}}"}""" };
        return i % 3 == 2 ? MeshSamples.Succeeded(MeshSamples.Assigned(task)) with { Output = $$"""{"answer":"heron-{{i}}"}""" } : task;
    }

    /// <summary>A store whose current key is <paramref name="current"/>: k1 alone, or k1 and k2.</summary>
    private static PostgresMeshStore Store(string connectionString, string current) =>
        new(new PostgresStoreOptions { ConnectionString = connectionString }, NullLoggerFactory.Instance, Protector(current));

    private static AesGcmPayloadProtector Protector(string current) =>
        new(new PayloadKeyring(
            current == "k1" ? [new("k1", FirstKey)] : [new("k1", FirstKey), new("k2", SecondKey)],
            current,
            "AgentMesh:Encryption:Keys"));

    private static async Task<List<RawRow>> RawRowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.AsSuperuser(connectionString));
        await connection.OpenAsync(Cancellation);
        await using var select = new NpgsqlCommand("SELECT id, version, input, output FROM tasks ORDER BY id", connection);
        await using var reader = await select.ExecuteReaderAsync(Cancellation);
        var rows = new List<RawRow>();
        while (await reader.ReadAsync(Cancellation))
        {
            rows.Add(new RawRow(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return rows;
    }

    private sealed record RawRow(Guid Id, long Version, string Input, string? Output);

    private sealed class Collected : IProgress<ReencryptProgress>
    {
        public List<ReencryptProgress> Reports { get; } = [];

        public void Report(ReencryptProgress value) => Reports.Add(value);
    }
}
