using System.Security.Claims;
using System.Text.Encodings.Web;
using AgentMesh.Server.Cluster;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Security;

/// <summary>Authenticates <c>Authorization: Bearer amk_…</c> API keys: against the engine's key table, or on a request a cluster follower answers itself, the directory cache.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NodeReads reads)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <key>'.");
        }

        var key = await reads.AuthenticateAsync(Context, header["Bearer ".Length..].Trim());
        if (key is null)
        {
            return AuthenticateResult.Fail("The key is unknown or revoked.");
        }

        var claims = new List<Claim> { new(CallerClaims.KeyId, key.Id) };
        if (key.Tenant is not null)
        {
            claims.Add(new Claim(CallerClaims.Tenant, key.Tenant));
        }

        if (key.AgentId is not null)
        {
            claims.Add(new Claim(CallerClaims.AgentId, key.AgentId));
        }

        claims.AddRange(key.Roles.Select(static role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}

internal static class CallerClaims
{
    public const string KeyId = "agentmesh:key";
    public const string Tenant = "tenant";
    public const string AgentId = "agentmesh:agent";
}
