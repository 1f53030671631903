using AgentMesh.Audit;

namespace AgentMesh.Server.Audit;

/// <summary>Endpoint metadata: successful and failed GETs of this endpoint are audited (writes and denials always are).</summary>
internal sealed record AuditReads(DataClassification Classification);

/// <summary>Endpoint metadata naming the audited action and resource type instead of deriving them from the route.</summary>
internal sealed record AuditedAs(string Action, string ResourceType, DataClassification Classification);

internal static class AuditMetadataExtensions
{
    /// <summary>Audits reads of the endpoint(s): data of <paramref name="classification"/> is returned.</summary>
    public static TBuilder AuditReads<TBuilder>(this TBuilder builder, DataClassification classification)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AuditReads(classification));

    public static TBuilder AuditedAs<TBuilder>(this TBuilder builder, string action, string resourceType, DataClassification classification)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AuditedAs(action, resourceType, classification));
}

/// <summary>The id of the resource an endpoint acted on, when the route does not name it (the audit middleware records it).</summary>
internal static class AuditedResource
{
    private static readonly object Key = new();

    public static void Set(HttpContext http, string id) => http.Items[Key] = id;

    public static string? Get(HttpContext http) => http.Items.TryGetValue(Key, out var id) ? id as string : null;
}
