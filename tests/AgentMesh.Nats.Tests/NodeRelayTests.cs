using System.Net;
using AgentMesh.TestKit;
using AgentMesh.TestKit.Services;

namespace AgentMesh.Nats.Tests;

public class NodeRelayTests
{
    [Fact]
    public async Task Node_Workload_EveryEventAppearsInStreamExactlyOnce()
    {
        await using var nats = await NatsServerFixture.StartNewAsync();
        await using var node = await NatsNode.StartAsync(nats.Url);
        var tenants = new[] { await node.CreateTenantAsync(), await node.CreateTenantAsync() };
        await node.PostAsync($"/v1/tenants/{tenants[0]}/agents/worker", new { name = "worker", capabilities = new[] { new { name = "work", level = 4 } } });
        var tasks = new List<(string Tenant, string Id)>();
        foreach (var tenant in tenants)
        {
            for (var i = 0; i < 8; i++)
            {
                tasks.Add((tenant, await node.SubmitAsync(tenant)));
            }
        }

        foreach (var (tenant, id) in tasks.Where((_, i) => i % 3 == 0))
        {
            (await node.PostAsync($"/v1/tenants/{tenant}/tasks/{id}/cancel", new { reason = "not needed" })).EnsureSuccessStatusCode();
        }

        await node.WaitCaughtUpAsync();
        var committed = await node.Outbox.ReadOutboxAsync(0, 10_000, TestContext.Current.CancellationToken);
        await using var reader = new JetStreamReader(nats.Url);
        var messages = await reader.ReadAllAsync();

        Assert.Equal(committed.Select(e => e.Id.ToString()), messages.Select(m => m.Id));
        Assert.Equal(committed.Count, await reader.MessageCountAsync());
        Assert.Contains(messages, m => m.Subject == $"agentmesh.{tenants[1]}.task.submitted");
        Assert.Contains(messages, m => m.Subject == $"agentmesh.{tenants[0]}.task.cancelled");
        Assert.Contains(messages, m => m.Subject == $"agentmesh.{tenants[0]}.tenant.created");
        Assert.All(messages, m => Assert.Equal(m.Id, m.MsgId));
        Assert.All(messages, m => Assert.Equal($"agentmesh.{m.Body["tenant"]}.{((string)m.Body["type"]!)["agentmesh.".Length..]}", m.Subject));
        Assert.Equal(0, node.ObserveLag());
    }

    [Fact]
    public async Task Metrics_NodeRelaying_ShowNatsClientFiguresWithoutSubjects()
    {
        await using var nats = await NatsServerFixture.StartNewAsync();
        await using var node = await NatsNode.StartAsync(nats.Url);
        var tenant = await node.CreateTenantAsync();
        await node.SubmitAsync(tenant);
        await node.WaitCaughtUpAsync();

        var text = await node.Admin.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);

        var published = text.Split('\n').Where(line => line.StartsWith("messaging_client_published_messages", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(published);
        Assert.Contains("agentmesh_outbox_lag{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("_INBOX", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"agentmesh.{tenant}.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_NatsDown_AcceptsWorkReportsLagThenDeliversEverything()
    {
        await using var nats = await NatsServerFixture.StartNewAsync();
        await using var node = await NatsNode.StartAsync(nats.Url);
        var tenant = await node.CreateTenantAsync();
        await node.WaitCaughtUpAsync();

        await nats.StopAsync();
        var submitted = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            submitted.Add(await node.SubmitAsync(tenant));
        }

        await Eventually.TrueAsync(() => node.Relay.Status.State == "retrying", "the relay noticed the outage");
        Assert.True(node.ObserveLag() >= 10, $"lag {node.ObserveLag()}");
        var detail = await node.GetAsync("/health/detail");
        Assert.Equal("healthy", (string)detail["status"]!);
        Assert.Equal("retrying", (string)detail["nats"]!["state"]!);
        Assert.True((long)detail["nats"]!["lag"]! >= 10);
        Assert.Equal(HttpStatusCode.OK, (await node.Admin.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);

        await nats.StartAsync();
        await node.WaitCaughtUpAsync();

        var committed = await node.Outbox.ReadOutboxAsync(0, 10_000, TestContext.Current.CancellationToken);
        await using var reader = new JetStreamReader(nats.Url);
        var messages = await reader.ReadAllAsync();
        Assert.Equal(committed.Select(e => e.Id.ToString()).Order(), messages.Select(m => m.Id).Distinct().Order());
        Assert.Equal(committed.Count, await reader.MessageCountAsync());
        Assert.All(submitted, id => Assert.Contains(messages, m => (string?)m.Body["data"]?["taskId"] == id || ((string)m.Body["subject"]!).EndsWith(id, StringComparison.Ordinal)));
        Assert.Equal(0, node.ObserveLag());
        Assert.Equal("publishing", (string)(await node.GetAsync("/health/detail"))["nats"]!["state"]!);
    }

    [Fact]
    public async Task Node_WithoutNatsConnectionString_RunsNoRelayAndReportsNone()
    {
        await using var node = await NatsNode.StartAsync(natsUrl: null);
        await node.SubmitAsync(await node.CreateTenantAsync());

        var detail = await node.GetAsync("/health/detail");

        Assert.Null(node.Services.GetService(typeof(AgentMesh.Nats.Outbox.NatsOutboxRelay)));
        Assert.Equal("healthy", (string)detail["status"]!);
        Assert.False(detail.ContainsKey("nats"));
    }

    [Fact]
    public async Task Node_InvalidRelaySetting_RefusesToStart()
    {
        await using var nats = await NatsServerFixture.StartNewAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => NatsNode.StartAsync(nats.Url, "--AgentMesh:Nats:BatchSize", "0"));

        Assert.Contains("AgentMesh:Nats:BatchSize", error.Message, StringComparison.Ordinal);
    }
}
