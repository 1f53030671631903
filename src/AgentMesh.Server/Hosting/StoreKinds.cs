namespace AgentMesh.Server.Hosting;

/// <summary>Which store a node runs on.</summary>
public enum StoreKind
{
    /// <summary>Embedded: one SQLite file in the data folder.</summary>
    Sqlite,

    /// <summary>Cluster: a PostgreSQL database shared by every node.</summary>
    Postgres,
}

/// <summary>The <c>AgentMesh:Store</c> setting.</summary>
public static class StoreKinds
{
    public const string Setting = "AgentMesh:Store";

    /// <summary><c>sqlite</c> (also when unset) or <c>postgres</c>, in any case.</summary>
    /// <exception cref="InvalidOperationException">Any other value: the node must not start on a store it was not asked for.</exception>
    public static StoreKind Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => StoreKind.Sqlite,
        "postgres" or "postgresql" => StoreKind.Postgres,
        _ => throw new InvalidOperationException($"{Setting} is '{value}'; it must be 'sqlite' or 'postgres'."),
    };
}
