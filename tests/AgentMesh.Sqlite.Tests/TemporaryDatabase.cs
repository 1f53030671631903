using AgentMesh.Protection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Sqlite.Tests;

/// <summary>A database file in a folder of its own under the system temp folder, deleted with it.</summary>
internal sealed class TemporaryDatabase : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));

    public TemporaryDatabase(string fileName = "agentmesh.db")
    {
        Options = new SqliteStoreOptions { Path = Path.Combine(_folder, fileName) };
    }

    public SqliteStoreOptions Options { get; }

    public string FilePath => Options.Path;

    public SqliteMeshStore CreateStore() => new(Options, NullLogger<SqliteMeshStore>.Instance);

    public SqliteMeshStore CreateStore(IPayloadProtector protector) => new(Options, NullLogger<SqliteMeshStore>.Instance, protector);

    /// <summary>A connection of the test's own, outside the store, with pooling off so it leaves nothing open.</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
