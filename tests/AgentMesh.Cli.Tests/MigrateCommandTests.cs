using AgentMesh.TestKit.Services;

namespace AgentMesh.Cli.Tests;

public sealed class MigrateCommandTests
{
    [Fact]
    public async Task Migrate_Postgres_CreatesTheSchemaAndSaysItsVersion()
    {
        await using var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        var connectionString = await postgres.CreateDatabaseAsync();

        var keys = Path.Combine(Path.GetTempPath(), "agentmesh-cli-tests", Guid.NewGuid().ToString("N"));
        string[] audit = ["--AgentMesh:Audit:SigningKeyFile", Path.Combine(keys, "signing.key"), "--AgentMesh:Audit:SubjectKeyFile", Path.Combine(keys, "subjects.key")];

        var first = await Cli.RunAsync(["migrate", "--store", "postgres", "--postgres", connectionString, .. audit]);
        var again = await Cli.RunAsync(["migrate", "--store", "postgres", "--postgres", connectionString, .. audit]);

        Assert.Equal(0, first.ExitCode);
        Assert.Matches(@"PostgreSQL store mesh_\w+ on 127\.0\.0\.1:\d+: schema version [1-9]\d*", first.Out);
        Assert.Equal(first.Out, again.Out);
        Assert.DoesNotContain("Password", first.Out, StringComparison.OrdinalIgnoreCase);
        Directory.Delete(keys, recursive: true);
    }

    [Fact]
    public async Task Migrate_Sqlite_CreatesTheDatabaseInADataFolderOfItsUserAlone()
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-cli-tests", Guid.NewGuid().ToString("N"));

        var result = await Cli.RunAsync("migrate", "--data", data);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("schema version", result.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(data, "agentmesh.db")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        }

        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Migrate_PostgresWithoutConnectionString_IsAUsageError()
    {
        var result = await Cli.RunAsync("migrate", "--store", "postgres");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--postgres", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_UnknownStore_IsAUsageError()
    {
        var result = await Cli.RunAsync("migrate", "--store", "mysql");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("AgentMesh:Store", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("keys", "rotate")]
    public async Task OfflineCommand_MisspeltOption_IsAUsageErrorAndChangesNothing(params string[] command)
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-cli-tests", Guid.NewGuid().ToString("N"));

        var result = await Cli.RunAsync([.. command, "--data", data, "--postgress", "Host=127.0.0.1"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'--postgress'", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }
}
