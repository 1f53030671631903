using AgentMesh.Sqlite.Schema;
using AgentMesh.Storage;
using AgentMesh.TestKit.Storage;

namespace AgentMesh.Sqlite.Tests;

public sealed class SchemaTests : IDisposable
{
    private readonly TemporaryDatabase _database = new(Path.Combine("nested", "folder", "agentmesh.db"));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InitializeAsync_MissingFolder_CreatesDatabase()
    {
        await using var store = _database.CreateStore();

        await store.InitializeAsync(Cancellation);

        Assert.True(File.Exists(_database.FilePath));
    }

    [Fact]
    public async Task InitializeAsync_NewDatabase_UsesWalMode()
    {
        await using var store = _database.CreateStore();
        await store.InitializeAsync(Cancellation);

        using var connection = _database.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public async Task InitializeAsync_NewDatabase_RecordsEveryMigration()
    {
        await using var store = _database.CreateStore();

        await store.InitializeAsync(Cancellation);

        Assert.Equal(Migrations.All.Select(m => (long)m.Version), SchemaVersions());
    }

    [Fact]
    public async Task InitializeAsync_Reopened_AppliesNothingAndKeepsData()
    {
        var task = MeshSamples.Task();
        await using (var first = _database.CreateStore())
        {
            await first.InitializeAsync(Cancellation);
            await first.CommitAsync([new ChangeSet().Put(task)], Cancellation);
        }

        await using var second = _database.CreateStore();
        await second.InitializeAsync(Cancellation);
        await second.InitializeAsync(Cancellation);

        Assert.Equal(Migrations.All.Select(m => (long)m.Version), SchemaVersions());
        MeshAssert.Equal(task, await second.GetTaskAsync("acme", task.Id, Cancellation));
    }

    [Fact]
    public async Task InitializeAsync_NewerSchemaVersion_Throws()
    {
        await using (var first = _database.CreateStore())
        {
            await first.InitializeAsync(Cancellation);
        }

        using (var connection = _database.OpenRaw())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES (@version, 0)";
            command.Parameters.AddWithValue("@version", Migrations.Latest + 1);
            command.ExecuteNonQuery();
        }

        await using var second = _database.CreateStore();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => second.InitializeAsync(Cancellation));

        Assert.Contains($"schema version {Migrations.Latest + 1}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommitAsync_BeforeInitialize_Throws()
    {
        await using var store = _database.CreateStore();

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync([new ChangeSet().Put(MeshSamples.Task())], Cancellation));
    }

    [Fact]
    public async Task CommitAsync_AfterDispose_Throws()
    {
        var store = _database.CreateStore();
        await store.InitializeAsync(Cancellation);
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.CommitAsync([new ChangeSet().Put(MeshSamples.Task())], Cancellation));
    }

    [Fact]
    public async Task PingAsync_AfterDispose_ReturnsFalse()
    {
        var store = _database.CreateStore();
        await store.InitializeAsync(Cancellation);
        await store.DisposeAsync();

        Assert.False(await store.PingAsync(Cancellation));
    }

    [Fact]
    public async Task DisposeAsync_AfterCommits_LeavesNoWriteAheadLog()
    {
        var store = _database.CreateStore();
        await store.InitializeAsync(Cancellation);
        await store.CommitAsync([new ChangeSet().Put(MeshSamples.Task())], Cancellation);

        await store.DisposeAsync();

        Assert.False(File.Exists(_database.FilePath + "-wal") && new FileInfo(_database.FilePath + "-wal").Length > 0);
    }

    public void Dispose() => _database.Dispose();

    private List<long> SchemaVersions()
    {
        using var connection = _database.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_version ORDER BY version";
        using var reader = command.ExecuteReader();
        var versions = new List<long>();
        while (reader.Read())
        {
            versions.Add(reader.GetInt64(0));
        }

        return versions;
    }
}
