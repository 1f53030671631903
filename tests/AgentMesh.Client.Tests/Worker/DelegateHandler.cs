using System.Text.Json;
using AgentMesh.Client.Worker;

namespace AgentMesh.Client.Tests.Worker;

internal sealed class DelegateHandler(Func<AgentTaskContext, ValueTask<JsonElement?>> handle) : IAgentHandler
{
    public static DelegateHandler Echo { get; } = new(context => ValueTask.FromResult<JsonElement?>(context.Input));

    public ValueTask<JsonElement?> HandleAsync(AgentTaskContext context) => handle(context);
}
