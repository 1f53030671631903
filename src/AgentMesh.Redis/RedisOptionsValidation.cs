using Microsoft.Extensions.Options;

namespace AgentMesh.Redis;

/// <summary>Refuses to start a node whose Redis settings are unusable, naming the setting.</summary>
internal sealed class RedisOptionsValidation : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
