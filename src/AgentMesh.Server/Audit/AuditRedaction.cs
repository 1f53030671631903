namespace AgentMesh.Server.Audit;

/// <summary>Names whose values never reach the audit log.</summary>
internal static class AuditRedaction
{
    public const string Redacted = "[redacted]";

    private static readonly string[] SecretWords = ["key", "token", "secret", "password", "passwd", "authorization", "credential", "signature", "cookie", "session"];

    public static bool IsSecretName(string name) => SecretWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));
}
