namespace AgentMesh.Server.Audit;

/// <summary>What the access filter decided, kept on the request so the audit records the reason of a denial.</summary>
internal static class AccessDenials
{
    private static readonly object Key = new();

    public static void Note(HttpContext http, string reason) => http.Items[Key] = reason;

    public static string? Reason(HttpContext http) => http.Items.TryGetValue(Key, out var reason) ? reason as string : null;
}
