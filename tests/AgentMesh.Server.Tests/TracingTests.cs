using System.Collections.Concurrent;
using System.Diagnostics;
using AgentMesh.Client;
using AgentMesh.Client.Worker;

namespace AgentMesh.Server.Tests;

public class TracingTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static readonly ActivitySource TestSource = new("AgentMesh.Server.Tests");

    [Fact]
    public async Task Submit_TaskHandledBySdkAgent_OneTraceFromRequestThroughRoutingAndProducerToHandlerAndCompletion()
    {
        var started = new ConcurrentQueue<Activity>();
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ActivityTraceId traceId = default;
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name is "AgentMesh" or "AgentMesh.Server.Tests" or "Microsoft.AspNetCore",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity => started.Enqueue(activity),
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId && activity.OperationName == "complete traced")
                {
                    completed.TrySetResult();
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var tenant = await TenantClient.CreateAsync(node);
        using var client = AgentMeshClient.Create(node.BaseAddress, await node.KeyAsync(tenant.Tenant, ["tenant-admin"]));
        var definition = new AgentDefinition { Id = "traced-agent" };
        definition.Capabilities.Add(new Capability("traced", 4));
        var handlerSpan = new TaskCompletionSource<Activity?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new Handler(context =>
        {
            handlerSpan.TrySetResult(Activity.Current);
            return ValueTask.FromResult<System.Text.Json.JsonElement?>(null);
        });
        using var stop = new CancellationTokenSource();
        var runner = new AgentRunner(client, tenant.Tenant, definition, handler).RunAsync(stop.Token);

        string traceParent;
        using (var root = TestSource.StartActivity("submit"))
        {
            traceId = root!.TraceId;
            var task = await tenant.SubmitAsync(new { type = "traced", input = new { n = 1 } });
            traceParent = (string)task["traceparent"]!;
        }

        var handled = await handlerSpan.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await completed.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await runner;

        var trace = started.Where(a => a.TraceId == traceId).ToList();
        Assert.True(ActivityContext.TryParse(traceParent, null, out var submitContext));
        Assert.Equal(traceId, submitContext.TraceId);
        var server = Assert.Single(trace, a => a.SpanId == submitContext.SpanId);
        Assert.Equal(ActivityKind.Server, server.Kind);
        var route = Assert.Single(trace, a => a.OperationName == "route traced");
        Assert.Equal(server.SpanId, route.ParentSpanId);
        Assert.Equal("traced-agent", route.GetTagItem("agentmesh.agent.id"));
        var producer = Assert.Single(trace, a => a.Kind == ActivityKind.Producer);
        Assert.Equal("send traced", producer.DisplayName);
        Assert.Equal(route.SpanId, producer.ParentSpanId);
        Assert.Equal("agentmesh", producer.GetTagItem("messaging.system"));
        Assert.Equal("send", producer.GetTagItem("messaging.operation.type"));
        Assert.Equal("traced", producer.GetTagItem("messaging.destination.name"));
        Assert.Equal("traced-agent", producer.GetTagItem("agentmesh.agent.id"));
        var consumer = Assert.Single(trace, a => a.Kind == ActivityKind.Consumer);
        Assert.Equal(producer.SpanId, consumer.ParentSpanId);
        Assert.NotNull(handled);
        Assert.Equal(consumer.SpanId, handled.SpanId);
        var complete = Assert.Single(trace, a => a.OperationName == "complete traced");
        Assert.Equal(consumer.SpanId, complete.ParentSpanId);
        Assert.Equal("succeeded", complete.GetTagItem("agentmesh.task.status"));
    }

    private sealed class Handler(Func<AgentTaskContext, ValueTask<System.Text.Json.JsonElement?>> handle) : IAgentHandler
    {
        public ValueTask<System.Text.Json.JsonElement?> HandleAsync(AgentTaskContext context) => handle(context);
    }
}
