using Microsoft.Extensions.Options;

namespace AgentMesh.Nats.Outbox;

/// <summary>Refuses to start a node whose relay settings are unusable, naming the setting.</summary>
internal sealed class NatsRelayOptionsValidation : IValidateOptions<NatsRelayOptions>
{
    public ValidateOptionsResult Validate(string? name, NatsRelayOptions options) =>
        options.IsValid(out var error) ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(error);
}
