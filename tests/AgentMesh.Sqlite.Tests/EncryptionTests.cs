using AgentMesh.Protection;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.TestKit.Storage;

namespace AgentMesh.Sqlite.Tests;

public sealed class EncryptionTests : IDisposable
{
    private const string SecretInput = """{"patient":"Zebulon Quartermaine-7731"}""";
    private const string SecretOutput = """{"diagnosis":"Xylophage syndrome 4410"}""";

    private readonly TemporaryDatabase _database = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commit_EncryptedStore_RowsAndFileHoldNoPlaintext()
    {
        var task = Secret(MeshSamples.Task());
        await using (var store = await OpenAsync(Keyrings.OnlyFirst()))
        {
            await store.CommitAsync([new ChangeSet().Put(task)], Cancellation);
            MeshAssert.Equal(task, await store.GetTaskAsync("acme", task.Id, Cancellation));
        }

        var (input, output) = RawRow(task.Id);
        var file = await File.ReadAllBytesAsync(_database.FilePath, Cancellation);
        Assert.StartsWith("amenc1:k1:", input, StringComparison.Ordinal);
        Assert.StartsWith("amenc1:k1:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Zebulon", input, StringComparison.Ordinal);
        Assert.DoesNotContain("Xylophage", output, StringComparison.Ordinal);
        Assert.Equal(-1, file.AsSpan().IndexOf("Zebulon"u8));
        Assert.Equal(-1, file.AsSpan().IndexOf("Xylophage"u8));
    }

    [Fact]
    public async Task Commit_SameInputTwice_StoresDifferentCiphertexts()
    {
        var first = Secret(MeshSamples.Task());
        var second = Secret(MeshSamples.Task(id: Guid.CreateVersion7()));
        await using (var store = await OpenAsync(Keyrings.OnlyFirst()))
        {
            await store.CommitAsync([new ChangeSet().Put(first).Put(second)], Cancellation);
        }

        Assert.NotEqual(RawRow(first.Id).Input, RawRow(second.Id).Input);
    }

    [Fact]
    public async Task Rotation_NewRowsUseTheNewKey_OldRowsStayReadable()
    {
        var old = Secret(MeshSamples.Task());
        var fresh = Secret(MeshSamples.Task(id: Guid.CreateVersion7()));
        await using (var store = await OpenAsync(Keyrings.OnlyFirst()))
        {
            await store.CommitAsync([new ChangeSet().Put(old)], Cancellation);
        }

        await using (var store = await OpenAsync(Keyrings.Rotated()))
        {
            await store.CommitAsync([new ChangeSet().Put(fresh)], Cancellation);
            MeshAssert.Equal(old, await store.GetTaskAsync("acme", old.Id, Cancellation));
            MeshAssert.Equal(fresh, await store.GetTaskAsync("acme", fresh.Id, Cancellation));
        }

        Assert.StartsWith("amenc1:k1:", RawRow(old.Id).Input, StringComparison.Ordinal);
        Assert.StartsWith("amenc1:k2:", RawRow(fresh.Id).Input, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reencrypt_MovesOldKeyAndClearRowsToTheNewestKey()
    {
        var clear = Secret(MeshSamples.Task());
        var old = Secret(MeshSamples.Task(id: Guid.CreateVersion7()));
        var current = Secret(MeshSamples.Task(id: Guid.CreateVersion7()));
        await using (var store = await OpenAsync(PlaintextPayloads.Instance))
        {
            await store.CommitAsync([new ChangeSet().Put(clear)], Cancellation);
        }

        await using (var store = await OpenAsync(Keyrings.OnlyFirst()))
        {
            await store.CommitAsync([new ChangeSet().Put(old)], Cancellation);
        }

        int rewritten;
        await using (var store = await OpenAsync(Keyrings.Rotated()))
        {
            await store.CommitAsync([new ChangeSet().Put(current)], Cancellation);
            rewritten = await store.ReencryptAsync(progress: null, Cancellation);
        }

        Assert.Equal(2, rewritten);
        Assert.All([clear.Id, old.Id, current.Id], id => Assert.StartsWith("amenc1:k2:", RawRow(id).Input, StringComparison.Ordinal));
        await using var withoutFirst = await OpenAsync(Keyrings.OnlySecond());
        MeshAssert.Equal(clear, await withoutFirst.GetTaskAsync("acme", clear.Id, Cancellation));
        MeshAssert.Equal(old, await withoutFirst.GetTaskAsync("acme", old.Id, Cancellation));
        Assert.Equal(0, await withoutFirst.ReencryptAsync(progress: null, Cancellation));
    }

    [Fact]
    public async Task Open_KeyOfStoredRowsMissing_FailsNamingTheKeyAndTheSetting()
    {
        await using (var store = await OpenAsync(Keyrings.OnlyFirst()))
        {
            await store.CommitAsync([new ChangeSet().Put(Secret(MeshSamples.Task()))], Cancellation);
        }

        await using var reopened = _database.CreateStore(Keyrings.OnlySecond());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => reopened.InitializeAsync(Cancellation));

        Assert.Contains("'k1'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Keyrings.Source, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_WrongKeyUnderTheSameId_FailsSayingItDoesNotDecrypt()
    {
        await using (var store = await OpenAsync(Keyrings.OnlyFirst()))
        {
            await store.CommitAsync([new ChangeSet().Put(Secret(MeshSamples.Task()))], Cancellation);
        }

        await using var reopened = _database.CreateStore(Keyrings.Protector("k1", ("k1", PayloadKeyring.NewKey())));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => reopened.InitializeAsync(Cancellation));

        Assert.Contains("does not decrypt", error.Message, StringComparison.Ordinal);
        Assert.Contains(Keyrings.Source, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_EncryptedRowsWithEncryptionOff_FailsNamingTheSetting()
    {
        await using (var store = await OpenAsync(Keyrings.OnlyFirst()))
        {
            await store.CommitAsync([new ChangeSet().Put(Secret(MeshSamples.Task()))], Cancellation);
        }

        await using var reopened = _database.CreateStore(new PlaintextPayloads("AgentMesh:Encryption:Enabled is false"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => reopened.InitializeAsync(Cancellation));

        Assert.Contains("AgentMesh:Encryption:Enabled", error.Message, StringComparison.Ordinal);
    }

    private static MeshTask Secret(MeshTask task) => task with { Input = SecretInput, Output = SecretOutput };

    private async Task<SqliteMeshStore> OpenAsync(IPayloadProtector protector)
    {
        var store = _database.CreateStore(protector);
        await store.InitializeAsync(Cancellation);
        return store;
    }

    private (string Input, string? Output) RawRow(Guid id)
    {
        using var connection = _database.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT input, output FROM tasks WHERE id = @id";
        command.Parameters.AddWithValue("@id", id.ToString());
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    public void Dispose() => _database.Dispose();
}
