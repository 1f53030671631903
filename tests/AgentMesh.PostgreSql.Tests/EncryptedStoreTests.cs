using AgentMesh.Protection;
using AgentMesh.Storage;
using AgentMesh.TestKit.Services;
using AgentMesh.TestKit.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AgentMesh.PostgreSql.Tests;

/// <summary>The whole store contract again, with task input and output encrypted on the way in and out.</summary>
public sealed class EncryptedStoreConformanceTests(PostgresServer server) : MeshStoreConformanceTests
{
    private string? _connectionString;

    protected override bool SupportsReopen => true;

    protected override async Task<IMeshStore> CreateStoreAsync()
    {
        _connectionString = await server.CreateDatabaseAsync();
        return EncryptedStores.Create(_connectionString, EncryptedStores.Key);
    }

    protected override Task<IMeshStore> ReopenStoreAsync() => Task.FromResult<IMeshStore>(EncryptedStores.Create(_connectionString!, EncryptedStores.Key));
}

public sealed class EncryptedStoreTests(PostgresServer server)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TaskInputAndOutput_AreNotInTheDatabaseInClear()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using (var store = EncryptedStores.Create(connectionString, EncryptedStores.Key))
        {
            await store.InitializeAsync(Cancellation);
            var task = MeshSamples.Succeeded(MeshSamples.Assigned(MeshSamples.Task() with { Input = """{"secret":"pelican-7731"}""" })) with { Output = """{"answer":"heron-4412"}""" };
            await store.CommitAsync([new ChangeSet().PutCreated(task)], Cancellation);
            Assert.Equal(task.Input, (await store.GetTaskAsync("acme", task.Id, Cancellation))!.Input);
        }

        await using var connection = new NpgsqlConnection(PostgresServer.AsSuperuser(connectionString));
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand("SELECT input || coalesce(output, '') FROM tasks", connection);
        var stored = (string)(await command.ExecuteScalarAsync(Cancellation))!;

        Assert.DoesNotContain("pelican", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("heron", stored, StringComparison.Ordinal);
        Assert.StartsWith("amenc1:", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKey_StopsTheStoreAtStart()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using (var store = EncryptedStores.Create(connectionString, EncryptedStores.Key))
        {
            await store.InitializeAsync(Cancellation);
            await store.CommitAsync([new ChangeSet().PutCreated(MeshSamples.Task())], Cancellation);
        }

        await using var other = EncryptedStores.Create(connectionString, PayloadKeyring.NewKey());

        await Assert.ThrowsAsync<InvalidOperationException>(() => other.InitializeAsync(Cancellation));
    }
}

internal static class EncryptedStores
{
    public static readonly byte[] Key = PayloadKeyring.NewKey();

    public static PostgresMeshStore Create(string connectionString, byte[] key) =>
        new(
            new PostgresStoreOptions { ConnectionString = connectionString },
            NullLoggerFactory.Instance,
            new AesGcmPayloadProtector(new PayloadKeyring([new KeyValuePair<string, byte[]>("k1", key)], "k1", "AgentMesh:Encryption:Keys")));
}
