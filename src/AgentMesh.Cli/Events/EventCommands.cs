using System.CommandLine;
using System.Text.Json;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Output;

namespace AgentMesh.Cli.Events;

/// <summary><c>agentmesh events tail</c>: follows a tenant's live event stream until Ctrl+C.</summary>
internal static class EventCommands
{
    public static Command Create()
    {
        var options = new ConnectionOptions();
        var group = options.AddTo(new Command("events", "Follow a tenant's events.") { Tail(options) });
        Usage.SetGroupAction(group);
        return group;
    }

    private static Command Tail(ConnectionOptions options)
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant id.", Required = true };
        var types = new Option<string?>("--types")
        {
            Description = "Only these event types, comma-separated: agentmesh.task.succeeded or short, task.succeeded.",
        };
        var since = new Option<long?>("--since") { Description = "Replay from after this event sequence number (0: the whole history); live from now by default." };
        var command = new Command("tail", "Print events as they happen (one line each; one JSON object per line with --json) until Ctrl+C.")
        {
            tenant, types, since,
        };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var tenantId = run.Get(tenant)!;
            var wanted = run.Get(types)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(EventText.FullType).ToArray();

            // Read first: an unknown tenant, a bad key or an unreachable node fails here rather than in the stream's retries.
            await run.Client.GetTenantAsync(tenantId, cancellationToken);
            var from = run.Get(since);
            if (!run.Json)
            {
                await run.Output.Error.WriteLineAsync($"Following events of tenant {tenantId} at {run.Session.Connection.Url} (Ctrl+C to stop)…");
            }

            try
            {
                await foreach (var meshEvent in run.Client.StreamEventsAsync(tenantId, wanted, from, cancellationToken))
                {
                    if (run.Json)
                    {
                        await run.Output.WriteJsonAsync(JsonSerializer.SerializeToUtf8Bytes(meshEvent, CliJsonContext.Default.MeshEvent));
                    }
                    else
                    {
                        await run.Output.Out.WriteLineAsync(EventText.Line(meshEvent, withSubject: true));
                    }

                    await run.Output.Out.FlushAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how a tail ends.
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
