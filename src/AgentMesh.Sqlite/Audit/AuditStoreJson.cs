using System.Text.Json.Serialization;

namespace AgentMesh.Sqlite.Audit;

[JsonSerializable(typeof(string[]))]
internal sealed partial class AuditStoreJson : JsonSerializerContext;
