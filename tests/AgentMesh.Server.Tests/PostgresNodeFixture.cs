using AgentMesh.Protection;
using AgentMesh.TestKit.Services;

namespace AgentMesh.Server.Tests;

/// <summary>The test node on PostgreSQL: a cluster of one, which leads, with the shared key files a cluster needs.</summary>
public sealed class PostgresNodeFixture : NodeFixture
{
    private readonly PostgresServer _postgres = new();
    private string _connectionString = "";

    protected override IEnumerable<string> Settings =>
    [
        "--AgentMesh:Store", "postgres",
        "--ConnectionStrings:Postgres", _connectionString,
        "--AgentMesh:Encryption:KeyFile", Path.Combine(DataPath, PayloadKeyFile.DefaultName),
        "--AgentMesh:Audit:SigningKeyFile", Path.Combine(DataPath, "audit-signing.key"),
        "--AgentMesh:Audit:SubjectKeyFile", Path.Combine(DataPath, "audit-subjects.key"),
        "--AgentMesh:Cluster:NodeId", "node-1",
    ];

    protected override async ValueTask BeforeStartAsync()
    {
        await _postgres.InitializeAsync();
        _postgres.Require();
        _connectionString = await _postgres.CreateDatabaseAsync();
        PayloadKeyFile.AddKey(Path.Combine(DataPath, PayloadKeyFile.DefaultName));
        foreach (var name in new[] { "audit-signing.key", "audit-subjects.key" })
        {
            await File.WriteAllTextAsync(Path.Combine(DataPath, name), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n");
        }
    }

    protected override async ValueTask AfterStopAsync() => await _postgres.DisposeAsync();
}
