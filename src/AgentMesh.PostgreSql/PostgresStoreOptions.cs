namespace AgentMesh.PostgreSql;

/// <summary>How a node reaches PostgreSQL. The connection string comes from <c>ConnectionStrings:Postgres</c> (or <c>serve --postgres</c>).</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>An Npgsql connection string, e.g. <c>Host=127.0.0.1;Port=5432;Database=agentmesh;Username=agentmesh;Password=…</c>.</summary>
    public string ConnectionString { get; set; } = "";
}
