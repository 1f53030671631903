using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Security;

/// <summary>Refuses to start a node whose JWT settings are unusable, naming the setting.</summary>
internal sealed class JwtOptionsValidation : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
