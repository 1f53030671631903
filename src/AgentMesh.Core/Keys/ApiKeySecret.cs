using System.Security.Cryptography;
using System.Text;

namespace AgentMesh.Keys;

/// <summary>
/// Key text is <c>amk_{id}_{secret}</c>: the id finds the record, the 256-bit secret proves possession.
/// Secrets are random and long, so a single SHA-256 is the right hash (no password stretching needed).
/// </summary>
public static class ApiKeySecret
{
    private const string Prefix = "amk_";

    public static (string Id, string Secret, string Text) Generate()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (id, secret, $"{Prefix}{id}_{secret}");
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool TryParse(string text, out string id, out string secret)
    {
        id = secret = string.Empty;
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length > 200)
        {
            return false;
        }

        var rest = text.AsSpan(Prefix.Length);
        var sep = rest.IndexOf('_');
        if (sep <= 0 || sep == rest.Length - 1)
        {
            return false;
        }

        id = rest[..sep].ToString();
        secret = rest[(sep + 1)..].ToString();
        return true;
    }

    public static bool Matches(string secret, string expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(expectedHash));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
