using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Security;

/// <summary>
/// One bearer credential, two kinds: a JWT (three dot-separated parts) goes to the JWT handler when JWT is
/// configured, anything else to the API-key handler.
/// </summary>
internal static class CredentialSchemes
{
    public const string Default = "Bearer";
    public const string Jwt = "Jwt";

    public static IServiceCollection AddAgentMeshAuthentication(this IServiceCollection services)
    {
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtOptions>, JwtOptionsValidation>();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, JwtBearerSetup>();
        services.AddAuthentication(Default)
            .AddPolicyScheme(Default, "API key or JWT", static o => o.ForwardDefaultSelector = Select)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer(Jwt);
        return services;
    }

    private static string Select(HttpContext http)
    {
        string? header = http.Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || !JwtTokens.LooksLikeJwt(header.AsSpan("Bearer ".Length).Trim()))
        {
            return ApiKeyAuthenticationHandler.SchemeName;
        }

        return http.RequestServices.GetRequiredService<IOptions<JwtOptions>>().Value.Enabled ? Jwt : ApiKeyAuthenticationHandler.SchemeName;
    }
}
