using Microsoft.Extensions.Options;

namespace AgentMesh.Client.Worker;

internal sealed class AgentMeshWorkerOptionsValidator : IValidateOptions<AgentMeshWorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentMeshWorkerOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
