namespace AgentMesh.Server.Security;

/// <summary>
/// Browsers allowed to call the API from another origin, bound from <c>AgentMesh:Cors</c>. Default none: the node
/// sends no CORS headers at all and browsers keep other origins out.
/// </summary>
public sealed class CrossOriginOptions
{
    public const string Section = "AgentMesh:Cors";

    /// <summary>Allowed origins, each <c>scheme://host[:port]</c> (no path, no wildcard). Default none.</summary>
    public IList<string> Origins { get; } = [];

    /// <summary>Why these options cannot be used, or <see langword="null"/> when they can.</summary>
    public string? Problem()
    {
        foreach (var origin in Origins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/" || origin.EndsWith('/'))
            {
                return $"{Section}:Origins: '{origin}' is not an origin; write scheme://host[:port], without a path or a wildcard.";
            }
        }

        return null;
    }
}
