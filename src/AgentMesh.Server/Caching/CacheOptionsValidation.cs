using AgentMesh.Caching;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Caching;

/// <summary>Refuses to start a node whose cache settings are out of range, naming the setting.</summary>
internal sealed class CacheOptionsValidation : IValidateOptions<CacheOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
