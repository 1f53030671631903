using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using MeshRoles = AgentMesh.Keys.Roles;

namespace AgentMesh.Server.Security;

/// <summary>
/// Validates HS256 tokens against <see cref="JwtOptions.Secret"/> (scheme <see cref="CredentialSchemes.Jwt"/>) and RS256/ES256
/// tokens against the identity provider's keys (scheme <see cref="CredentialSchemes.IdentityProvider"/>), and turns their
/// claims into the same caller claims an API key produces, so <see cref="Caller"/> and <see cref="AccessFilter"/> treat all alike.
/// </summary>
internal sealed class JwtBearerSetup(IOptions<JwtOptions> jwt, IdentityProviderKeys providerKeys) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        var settings = jwt.Value;
        if (name == CredentialSchemes.Jwt)
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = Parameters(settings, [SecurityAlgorithms.HmacSha256]);
            options.TokenValidationParameters.ValidIssuer = settings.Issuer;
            options.TokenValidationParameters.IssuerSigningKey = settings.SharedSecretEnabled ? JwtTokens.SigningKey(settings.Secret!) : null;
            options.Events = new JwtBearerEvents { OnTokenValidated = static context => ToCaller(context) };
        }
        else if (name == CredentialSchemes.IdentityProvider)
        {
            options.MapInboundClaims = false;
            options.RefreshOnIssuerKeyNotFound = true;
            options.ConfigurationManager = providerKeys;

            // The handler adds the provider's issuer and keys to these for every request.
            options.TokenValidationParameters = Parameters(settings, [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256]);
            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = context => providerKeys.EnsureKeyAsync(BearerToken(context.Request), context.HttpContext.RequestAborted),
                OnTokenValidated = static context => ToCaller(context),
            };
        }
    }

    private static TokenValidationParameters Parameters(JwtOptions settings, string[] algorithms) => new()
    {
        ValidAudience = settings.Audience,
        ValidAlgorithms = algorithms,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = JwtOptions.ClockSkew,
    };

    private static string? BearerToken(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        return header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    private static Task ToCaller(TokenValidatedContext context)
    {
        var token = context.Principal!;
        var tenant = token.FindFirstValue(JwtClaims.Tenant);
        var roles = JwtTokens.SplitRoles(token.FindAll(JwtClaims.Roles)).ToHashSet(StringComparer.Ordinal);
        var systemAdmin = roles.Contains(MeshRoles.SystemAdmin);
        if (string.IsNullOrEmpty(tenant) && !systemAdmin)
        {
            context.Fail("A token without a tenant claim must carry the system-admin role.");
            return Task.CompletedTask;
        }

        if (!string.IsNullOrEmpty(tenant) && systemAdmin)
        {
            // Mirrors API keys: system-admin belongs to system credentials only, never to a tenant's.
            context.Fail("A token with a tenant claim may not carry the system-admin role.");
            return Task.CompletedTask;
        }

        var claims = new List<Claim>();
        if (token.FindFirstValue(JwtClaims.Subject) is { Length: > 0 } subject)
        {
            claims.Add(new Claim(JwtClaims.Subject, subject));
        }

        if (!string.IsNullOrEmpty(tenant))
        {
            claims.Add(new Claim(CallerClaims.Tenant, tenant));
        }

        if (token.FindFirstValue(JwtClaims.Agent) is { Length: > 0 } agentId)
        {
            claims.Add(new Claim(CallerClaims.AgentId, agentId));
        }

        claims.AddRange(roles.Select(static role => new Claim(ClaimTypes.Role, role)));
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CredentialSchemes.Jwt));
        return Task.CompletedTask;
    }
}
