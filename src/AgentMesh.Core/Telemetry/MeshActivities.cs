using System.Diagnostics;
using AgentMesh.Tasks;

namespace AgentMesh.Telemetry;

/// <summary>
/// The engine's spans, per the OpenTelemetry messaging conventions: an internal span for the routing
/// decision with the producer span of the send to the agent below it, and an internal span when the
/// terminal state is written. They continue the trace of the submit request stored in the task's
/// <c>traceparent</c> (the completion continues the agent handler's span when the result carried one),
/// never the ambient activity: the engine works on behalf of many requests at once.
/// </summary>
internal static class MeshActivities
{
    /// <summary>
    /// Records the routing decision that took <paramref name="routing"/> and the send of the assignment, and
    /// returns the context the agent continues, or the task's own when nobody listens.
    /// </summary>
    public static string? Dispatch(MeshTask task, string agentId, int attempt, TimeSpan routing)
    {
        if (!MeshTelemetry.Source.HasListeners())
        {
            return task.TraceParent;
        }

        // With no parent given, StartActivity would adopt Activity.Current: the request that happened to run dispatch.
        var ambient = Activity.Current;
        Activity.Current = null;
        try
        {
            ActivityContext.TryParse(task.TraceParent, null, isRemote: true, out var parent);
            var now = DateTimeOffset.UtcNow;
            using var route = MeshTelemetry.Source.StartActivity($"route {task.Type}", ActivityKind.Internal, parent, tags: null, links: null, now - routing);
            if (route is not null)
            {
                parent = route.Context;
                // The task's tags are on the send span below; the route span carries only the decision.
                if (route.IsAllDataRequested)
                {
                    route
                        .SetTag("agentmesh.agent.id", agentId)
                        .SetTag("agentmesh.routing.strategy", task.Strategy.ToWire());
                }

                route.SetEndTime(now.UtcDateTime);
            }

            using var send = MeshTelemetry.Source.StartActivity($"send {task.Type}", ActivityKind.Producer, parent, tags: null, links: null, now);
            if (send is null)
            {
                return route?.Id ?? task.TraceParent;
            }

            if (send.IsAllDataRequested)
            {
                object taskId = task.Id;
                send
                    .SetTag("messaging.system", "agentmesh")
                    .SetTag("messaging.operation.type", "send")
                    .SetTag("messaging.operation.name", "send")
                    .SetTag("messaging.destination.name", task.Type)
                    .SetTag("messaging.message.id", taskId)
                    .SetTag("agentmesh.tenant", task.Tenant)
                    .SetTag("agentmesh.task.id", taskId)
                    .SetTag("agentmesh.task.attempt", attempt)
                    .SetTag("agentmesh.agent.id", agentId);
            }

            return send.Id;
        }
        finally
        {
            Activity.Current = ambient;
        }
    }

    /// <summary>
    /// Records that the terminal state is durable: the span runs from the decision to the commit, below the
    /// handler that reported the result (<paramref name="reportTraceParent"/>) or else below the submit.
    /// </summary>
    public static void Complete(MeshTask task, string? reportTraceParent)
    {
        if (!MeshTelemetry.Source.HasListeners())
        {
            return;
        }

        var ambient = Activity.Current;
        Activity.Current = null;
        try
        {
            if (!ActivityContext.TryParse(reportTraceParent, null, isRemote: true, out var parent))
            {
                ActivityContext.TryParse(task.TraceParent, null, isRemote: true, out parent);
            }

            using var activity = MeshTelemetry.Source.StartActivity($"complete {task.Type}", ActivityKind.Internal, parent, tags: null, links: null, task.FinishedAt ?? default);
            if (activity is { IsAllDataRequested: true })
            {
                activity
                    .SetTag("agentmesh.tenant", task.Tenant)
                    .SetTag("agentmesh.task.id", task.Id)
                    .SetTag("agentmesh.task.status", task.Status.ToWire())
                    .SetStatus(task.Status == MeshTaskStatus.Succeeded ? ActivityStatusCode.Unset : ActivityStatusCode.Error, task.Error?.Code);
            }
        }
        finally
        {
            Activity.Current = ambient;
        }
    }
}
