using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Security;

/// <summary>Refuses to start a node with an allowed origin that is not one, naming it.</summary>
internal sealed class CrossOriginOptionsValidation : IValidateOptions<CrossOriginOptions>
{
    public ValidateOptionsResult Validate(string? name, CrossOriginOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
