namespace AgentMesh.Sqlite.Schema;

/// <summary>One step of the schema, applied once, in its own transaction, in <see cref="Version"/> order.</summary>
internal sealed record Migration(int Version, string Description, string Sql);
