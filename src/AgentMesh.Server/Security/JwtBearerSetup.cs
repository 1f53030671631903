using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using MeshRoles = AgentMesh.Keys.Roles;

namespace AgentMesh.Server.Security;

/// <summary>
/// Validates HS256 tokens against <see cref="JwtOptions"/> and turns their claims into the same caller claims an API
/// key produces, so <see cref="Caller"/> and <see cref="AccessFilter"/> treat both alike.
/// </summary>
internal sealed class JwtBearerSetup(IOptions<JwtOptions> jwt) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != CredentialSchemes.Jwt)
        {
            return;
        }

        var settings = jwt.Value;
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            IssuerSigningKey = settings.Enabled ? JwtTokens.SigningKey(settings.Secret!) : null,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = JwtOptions.ClockSkew,
        };
        options.Events = new JwtBearerEvents { OnTokenValidated = static context => ToCaller(context) };
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
