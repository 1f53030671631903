using AgentMesh.PostgreSql;
using AgentMesh.Protection;
using AgentMesh.Server.Security;
using AgentMesh.Sqlite;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.TestKit.Services;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AgentMesh.Cli.Tests;

public sealed class EncryptionKeyCommandTests : IDisposable
{
    private const string SecretInput = """{"account":"Ovidia Plankton-5521"}""";

    private readonly string _data = Path.Combine(Path.GetTempPath(), "agentmesh-cli-tests", Guid.NewGuid().ToString("N"));

    private string Database => Path.Combine(_data, "agentmesh.db");

    private string KeyFile => Path.Combine(_data, PayloadKeyFile.DefaultName);

    [Fact]
    public async Task RotateThenReencrypt_MovesTasksToTheNewKey_AndTheyStillRead()
    {
        var id = await WriteTaskAsync();
        var firstKey = ProtectedPayload.KeyId(RawInput(id));

        var rotated = await Cli.RunAsync("keys", "rotate", "--data", _data);
        var reencrypted = await Cli.RunAsync("keys", "reencrypt", "--data", _data);

        Assert.Equal(0, rotated.ExitCode);
        Assert.Equal(0, reencrypted.ExitCode);
        var newKey = PayloadKeyFile.Read(KeyFile, "test").CurrentKeyId;
        Assert.NotEqual(firstKey, newKey);
        Assert.Contains(newKey, rotated.Out, StringComparison.Ordinal);
        Assert.Contains("1 tasks read, 1 re-encrypted", reencrypted.Out, StringComparison.Ordinal);
        Assert.Contains($"Re-encrypted 1 tasks under key {newKey}", reencrypted.Out, StringComparison.Ordinal);
        Assert.Equal(newKey, ProtectedPayload.KeyId(RawInput(id)));
        Assert.DoesNotContain("Ovidia", RawInput(id), StringComparison.Ordinal);
        Assert.Equal(SecretInput, await ReadInputAsync(id));
    }

    [Fact]
    public async Task Reencrypt_NothingOld_RewritesNothing()
    {
        await WriteTaskAsync();

        var result = await Cli.RunAsync("keys", "reencrypt", "--data", _data);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Re-encrypted 0 tasks", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reencrypt_ConfiguredKeyFileMissing_FailsNamingTheSetting()
    {
        await WriteTaskAsync();

        var result = await Cli.RunAsync("keys", "reencrypt", "--data", _data, "--AgentMesh:Encryption:KeyFile", Path.Combine(_data, "nowhere.keys"));

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("AgentMesh:Encryption:KeyFile", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reencrypt_KeyOfStoredTasksGone_FailsNamingTheKeyFile()
    {
        var id = await WriteTaskAsync();
        var oldKey = ProtectedPayload.KeyId(RawInput(id))!;
        File.Delete(KeyFile);
        PayloadKeyFile.AddKey(KeyFile);

        var result = await Cli.RunAsync("keys", "reencrypt", "--data", _data);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains(oldKey, result.Error, StringComparison.Ordinal);
        Assert.Contains("AgentMesh:Encryption:KeyFile", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateThenReencrypt_Postgres_MovesTheClustersTasksToTheNewKey()
    {
        await using var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        var connectionString = await postgres.CreateDatabaseAsync();
        Directory.CreateDirectory(_data);
        var firstKey = PayloadKeyFile.AddKey(KeyFile);
        var task = NewTask();
        await using (var store = new PostgresMeshStore(new PostgresStoreOptions { ConnectionString = connectionString }, NullLoggerFactory.Instance, new EncryptionOptions { KeyFile = KeyFile }.CreateProtector(_data, sharedStore: true)))
        {
            await store.InitializeAsync(TestContext.Current.CancellationToken);
            await store.CommitAsync([new ChangeSet().Put(task)], TestContext.Current.CancellationToken);
        }

        string[] audit = ["--AgentMesh:Audit:SigningKeyFile", Path.Combine(_data, "cluster-signing.key"), "--AgentMesh:Audit:SubjectKeyFile", Path.Combine(_data, "cluster-subjects.key")];
        var rotated = await Cli.RunAsync("keys", "rotate", "--data", _data, "--key-file", KeyFile);
        var reencrypted = await Cli.RunAsync(["keys", "reencrypt", "--store", "postgres", "--postgres", connectionString, "--key-file", KeyFile, .. audit]);
        var again = await Cli.RunAsync(["keys", "reencrypt", "--store", "postgres", "--postgres", connectionString, "--key-file", KeyFile, .. audit]);

        Assert.Equal(0, rotated.ExitCode);
        Assert.Equal(0, reencrypted.ExitCode);
        var newKey = PayloadKeyFile.Read(KeyFile, "test").CurrentKeyId;
        Assert.NotEqual(firstKey, newKey);
        Assert.Contains("1 tasks read, 1 re-encrypted, 0 changed meanwhile", reencrypted.Out, StringComparison.Ordinal);
        Assert.Contains($"Re-encrypted 1 tasks under key {newKey}", reencrypted.Out, StringComparison.Ordinal);
        Assert.Contains("Re-encrypted 0 tasks", again.Out, StringComparison.Ordinal);
        await using var raw = new NpgsqlConnection(PostgresServer.AsSuperuser(connectionString));
        await raw.OpenAsync(TestContext.Current.CancellationToken);
        await using var select = new NpgsqlCommand("SELECT input FROM tasks", raw);
        var input = (string)(await select.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(newKey, ProtectedPayload.KeyId(input));
        Assert.DoesNotContain("Ovidia", input, StringComparison.Ordinal);
        await using var reader = new PostgresMeshStore(new PostgresStoreOptions { ConnectionString = connectionString }, NullLoggerFactory.Instance, new EncryptionOptions { KeyFile = KeyFile }.CreateProtector(_data, sharedStore: true));
        await reader.InitializeAsync(TestContext.Current.CancellationToken);
        Assert.Equal(SecretInput, (await reader.GetTaskAsync("acme", task.Id, TestContext.Current.CancellationToken))!.Input);
    }

    [Fact]
    public async Task Reencrypt_PostgresKeyFileMissing_FailsNamingTheFile()
    {
        var missing = Path.Combine(_data, "nowhere.keys");

        var result = await Cli.RunAsync("keys", "reencrypt", "--store", "postgres", "--postgres", "Host=127.0.0.1;Port=1;Username=nobody", "--key-file", missing);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains(missing, result.Error, StringComparison.Ordinal);
        Assert.Contains("AgentMesh:Encryption:KeyFile", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reencrypt_PostgresWithoutSharedKeyFile_FailsNamingTheSetting()
    {
        var result = await Cli.RunAsync("keys", "reencrypt", "--store", "postgres", "--postgres", "Host=127.0.0.1;Port=1;Username=nobody", "--data", _data);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("AgentMesh:Encryption:KeyFile", result.Error, StringComparison.Ordinal);
    }

    internal static MeshTask NewTask() => new()
    {
        Id = Guid.CreateVersion7(),
        Tenant = "acme",
        Type = "work",
        Status = MeshTaskStatus.Queued,
        Input = SecretInput,
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    private async Task<Guid> WriteTaskAsync()
    {
        var task = NewTask();
        await using var store = OpenStore();
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        await store.CommitAsync([new ChangeSet().Put(task)], TestContext.Current.CancellationToken);
        return task.Id;
    }

    private async Task<string?> ReadInputAsync(Guid id)
    {
        await using var store = OpenStore();
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return (await store.GetTaskAsync("acme", id, TestContext.Current.CancellationToken))?.Input;
    }

    private SqliteMeshStore OpenStore() =>
        new(new SqliteStoreOptions { Path = Database }, NullLogger<SqliteMeshStore>.Instance, new EncryptionOptions().CreateProtector(_data));

    private string RawInput(Guid id)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Database, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT input FROM tasks WHERE id = @id";
        command.Parameters.AddWithValue("@id", id.ToString());
        return (string)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
