using AgentMesh.Cli.Output;
using AgentMesh.Server.Security;
using Microsoft.Extensions.Configuration;

namespace AgentMesh.Cli.Tokens;

/// <summary>
/// The secret, issuer and audience to sign with: the command line first, then <c>AGENTMESH_JWT_SECRET</c> (secret
/// only), then the node's own configuration (<c>appsettings.json</c> here, <c>AgentMesh__Auth__Jwt__*</c> variables).
/// </summary>
internal sealed record TokenSettings(string Secret, string Issuer, string Audience)
{
    public const string SecretVariable = "AGENTMESH_JWT_SECRET";

    public static TokenSettings Resolve(string? secret, string? issuer, string? audience)
    {
        var node = new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build()
            .GetSection(JwtOptions.Section)
            .Get<JwtOptions>() ?? new JwtOptions();

        var options = new JwtOptions
        {
            Secret = NonEmpty(secret) ?? NonEmpty(Environment.GetEnvironmentVariable(SecretVariable)) ?? NonEmpty(node.Secret),
            Issuer = NonEmpty(issuer) ?? NonEmpty(node.Issuer),
            Audience = NonEmpty(audience) ?? NonEmpty(node.Audience),
        };
        if (!options.SharedSecretEnabled)
        {
            throw new UsageException($"no signing secret: pass --secret, set {SecretVariable}, or configure {JwtOptions.Section}:Secret.");
        }

        if (options.Problem() is { } problem)
        {
            throw new UsageException($"{problem} (--secret, --issuer and --audience override the configuration)");
        }

        return new TokenSettings(options.Secret!, options.Issuer!, options.Audience!);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
