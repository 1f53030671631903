using AgentMesh.PostgreSql;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.PostgreSql.Tests;

internal static class TestStores
{
    public static PostgresMeshStore Create(string connectionString) =>
        new(new PostgresStoreOptions { ConnectionString = connectionString }, NullLoggerFactory.Instance);
}
