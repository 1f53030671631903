using System.Collections.Concurrent;
using AgentMesh.Audit;
using Microsoft.AspNetCore.Routing.Patterns;

namespace AgentMesh.Server.Audit;

/// <summary>
/// How an endpoint is audited, derived once from its route: the resource is the last collection in the route
/// (<c>/tasks/{taskId}/cancel</c> → <c>task</c>, id from <c>taskId</c>), the verb is a literal after the id
/// (<c>cancel</c>) or comes from the method (<c>create</c>, <c>put</c>, <c>delete</c>, <c>read</c>, <c>list</c>).
/// </summary>
internal sealed record AuditShape(string Action, string ResourceType, string? IdParameter, DataClassification Classification, bool AuditsReads)
{
    private static readonly ConcurrentDictionary<(Endpoint, string), AuditShape> Shapes = new();

    public static AuditShape Of(RouteEndpoint endpoint, string method) => Shapes.GetOrAdd((endpoint, method), static key => Derive((RouteEndpoint)key.Item1, key.Item2));

    internal static AuditShape Derive(RouteEndpoint endpoint, string method)
    {
        var reads = endpoint.Metadata.GetMetadata<AuditReads>();
        var named = endpoint.Metadata.GetMetadata<AuditedAs>();
        var (resource, idParameter, verb) = Parse(endpoint.RoutePattern);
        verb ??= method switch
        {
            "POST" => "create",
            "PUT" => "put",
            "PATCH" => "update",
            "DELETE" => "delete",
            _ => idParameter is null ? "list" : "read",
        };
        if (named is not null)
        {
            return new AuditShape(named.Action, named.ResourceType, idParameter, named.Classification, AuditsReads: true);
        }

        return new AuditShape($"{resource}.{verb}", resource, idParameter, reads?.Classification ?? ClassificationOf(resource), reads is not null);
    }

    private static (string Resource, string? IdParameter, string? Verb) Parse(RoutePattern pattern)
    {
        string resource = "api";
        string? idParameter = null;
        string? verb = null;
        var segments = pattern.PathSegments;
        for (var i = 0; i < segments.Count; i++)
        {
            var part = segments[i].Parts[0];
            if (part is RoutePatternParameterPart parameter)
            {
                idParameter = parameter.Name;
                continue;
            }

            var text = ((RoutePatternLiteralPart)part).Content;
            if (i == 0 && text == "v1")
            {
                continue;
            }

            // The tenant is the scope of everything below it, not the resource acted on.
            if (idParameter is not null && idParameter != "tenant" && i == segments.Count - 1)
            {
                verb = text;
                continue;
            }

            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                verb = text[(colon + 1)..];
                text = text[..colon];
            }

            resource = Singular(text);
            idParameter = null;
        }

        return (resource, idParameter, verb);
    }

    private static string Singular(string name) => name.EndsWith('s') ? name[..^1] : name;

    private static DataClassification ClassificationOf(string resource) => resource switch
    {
        "task" or "event" => DataClassification.Confidential,
        "key" or "audit" => DataClassification.Restricted,
        _ => DataClassification.Internal,
    };
}
