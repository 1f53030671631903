using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Security;

/// <summary>
/// One bearer credential, three kinds: a JWT (three dot-separated parts) goes to the HS256 handler or, for any other
/// algorithm in its header, to the identity-provider handler, whichever is configured; anything else to the API-key
/// handler. Each JWT handler admits only its own algorithms, so the header only chooses who refuses a mismatched token.
/// </summary>
internal static class CredentialSchemes
{
    public const string Default = "Bearer";
    public const string Jwt = "Jwt";
    public const string IdentityProvider = "IdentityProvider";

    public static IServiceCollection AddAgentMeshAuthentication(this IServiceCollection services)
    {
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtOptions>, JwtOptionsValidation>();
        services.AddSingleton<IdentityProviderKeys>();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, JwtBearerSetup>();
        services.AddAuthentication(Default)
            .AddPolicyScheme(Default, "API key or JWT", static o => o.ForwardDefaultSelector = Select)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer(Jwt)
            .AddJwtBearer(IdentityProvider);
        return services;
    }

    private static string Select(HttpContext http)
    {
        string? header = http.Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return ApiKeyAuthenticationHandler.SchemeName;
        }

        var credential = header.AsSpan("Bearer ".Length).Trim();
        if (!JwtTokens.LooksLikeJwt(credential))
        {
            return ApiKeyAuthenticationHandler.SchemeName;
        }

        var jwt = http.RequestServices.GetRequiredService<IOptions<JwtOptions>>().Value;
        if (!jwt.IdentityProviderEnabled)
        {
            return jwt.SharedSecretEnabled ? Jwt : ApiKeyAuthenticationHandler.SchemeName;
        }

        return jwt.SharedSecretEnabled && JwtTokens.IsSharedSecretAlgorithm(credential) ? Jwt : IdentityProvider;
    }
}
