using System.Text.Json;
using AgentMesh.Client.Worker;

namespace AgentMesh.Client.Tests.Worker;

internal sealed class EchoTestAgent : IAgentHandler
{
    public ValueTask<JsonElement?> HandleAsync(AgentTaskContext context) => ValueTask.FromResult<JsonElement?>(context.Input);
}
