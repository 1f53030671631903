namespace AgentMesh.PostgreSql.Schema;

/// <summary>One step of the schema: applied once, in its own transaction, and recorded in <c>schema_version</c>.</summary>
internal sealed record Migration(int Version, string Description, string Sql);
