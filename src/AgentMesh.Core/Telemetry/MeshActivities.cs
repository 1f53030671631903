using System.Diagnostics;
using AgentMesh.Tasks;

namespace AgentMesh.Telemetry;

/// <summary>
/// The engine's spans, per the OpenTelemetry messaging conventions: a producer span when a task is
/// sent to an agent and an internal span when its terminal state is written. Both continue the trace
/// of the submit request stored in the task's <c>traceparent</c>, never the ambient activity: the
/// engine works on behalf of many requests at once.
/// </summary>
internal static class MeshActivities
{
    /// <summary>Records the send of an assignment and returns the context the agent continues, or the task's own when nobody listens.</summary>
    public static string? Dispatch(MeshTask task, string agentId, int attempt)
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
            using var activity = Start($"send {task.Type}", ActivityKind.Producer, task.TraceParent, startTime: default);
            if (activity is null)
            {
                return task.TraceParent;
            }

            activity
                .SetTag("messaging.system", "agentmesh")
                .SetTag("messaging.operation.type", "send")
                .SetTag("messaging.operation.name", "send")
                .SetTag("messaging.destination.name", task.Type)
                .SetTag("messaging.message.id", task.Id)
                .SetTag("agentmesh.tenant", task.Tenant)
                .SetTag("agentmesh.task.id", task.Id)
                .SetTag("agentmesh.task.attempt", attempt)
                .SetTag("agentmesh.agent.id", agentId)
                .SetTag("agentmesh.routing.strategy", task.Strategy.ToWire());
            return activity.Id;
        }
        finally
        {
            Activity.Current = ambient;
        }
    }

    /// <summary>Records that the terminal state is durable: the span runs from the decision to the commit.</summary>
    public static void Complete(MeshTask task)
    {
        if (!MeshTelemetry.Source.HasListeners())
        {
            return;
        }

        var ambient = Activity.Current;
        Activity.Current = null;
        try
        {
            using var activity = Start($"complete {task.Type}", ActivityKind.Internal, task.TraceParent, task.FinishedAt ?? default);
            activity?
                .SetTag("agentmesh.tenant", task.Tenant)
                .SetTag("agentmesh.task.id", task.Id)
                .SetTag("agentmesh.task.status", task.Status.ToWire())
                .SetStatus(task.Status == MeshTaskStatus.Succeeded ? ActivityStatusCode.Unset : ActivityStatusCode.Error, task.Error?.Code);
        }
        finally
        {
            Activity.Current = ambient;
        }
    }

    private static Activity? Start(string name, ActivityKind kind, string? traceParent, DateTimeOffset startTime)
    {
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent);
        return MeshTelemetry.Source.StartActivity(name, kind, parent, tags: null, links: null, startTime);
    }
}
