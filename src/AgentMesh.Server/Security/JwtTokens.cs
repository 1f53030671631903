using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentMesh.Server.Security;

/// <summary>Issues HS256 tokens the node accepts; for development and tests (production tokens come from an identity provider).</summary>
public static class JwtTokens
{
    /// <summary>Signs a token for <paramref name="subject"/>, valid from <paramref name="now"/> for <paramref name="lifetime"/>.</summary>
    public static string Create(
        string secret, string issuer, string audience, string subject, string? tenant, IReadOnlyCollection<string> roles, string? agentId, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtClaims.Subject] = subject,
            [JwtClaims.Roles] = roles.ToArray(),
        };
        if (tenant is not null)
        {
            claims[JwtClaims.Tenant] = tenant;
        }

        if (agentId is not null)
        {
            claims[JwtClaims.Agent] = agentId;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey(secret), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    internal static SymmetricSecurityKey SigningKey(string secret) => new(Encoding.UTF8.GetBytes(secret));

    /// <summary>Whether a bearer credential has a JWT's shape (three dot-separated parts); API keys never contain a dot.</summary>
    internal static bool LooksLikeJwt(ReadOnlySpan<char> credential) => credential.Count('.') == 2;

    /// <summary>Whether a JWT's header names an HMAC algorithm (<c>HS…</c>); a header that cannot be read counts as not.</summary>
    internal static bool IsSharedSecretAlgorithm(ReadOnlySpan<char> token)
    {
        var encodedHeader = token[..token.IndexOf('.')];
        if (encodedHeader.Length > 4096)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[encodedHeader.Length];
        if (System.Buffers.Text.Base64Url.DecodeFromChars(encodedHeader, header, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(header[..written]);
            if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                var isAlgorithm = reader.ValueTextEquals("alg"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isAlgorithm)
                {
                    return reader.TokenType == System.Text.Json.JsonTokenType.String && reader.GetString()!.StartsWith("HS", StringComparison.Ordinal);
                }

                reader.Skip();
            }

            return false;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    internal static IEnumerable<string> SplitRoles(IEnumerable<Claim> roleClaims) =>
        roleClaims.SelectMany(static c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
