using Microsoft.Extensions.Options;

namespace AgentMesh.Server.RateLimits;

/// <summary>Refuses to start a node whose rate limits are unusable, naming the setting.</summary>
internal sealed class RateLimitOptionsValidation : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
