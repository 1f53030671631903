using System.Net.Http.Json;
using AgentMesh.Server.Hosting;
using AgentMesh.TestKit.Syslog;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Server.Tests;

public class AuditForwardingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Node_SyslogConfigured_ForwardsItsAuditEntriesToRsyslog()
    {
        await using var rsyslog = await RsyslogServer.StartAsync(Ct);
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        await using var app = AgentMeshNode.Build(
        [
            "--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data, "--Logging:LogLevel:Default", "Warning",
            "--AgentMesh:Audit:Forwarding:Syslog:Host", "127.0.0.1",
            "--AgentMesh:Audit:Forwarding:Syslog:Port", rsyslog.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--AgentMesh:Audit:Forwarding:Interval", "00:00:00.100",
        ]);
        await app.StartAsync(Ct);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var anonymous = new HttpClient { BaseAddress = new Uri(address) };
            await anonymous.GetAsync(new Uri("/v1/tenants", UriKind.Relative), Ct);

            var lines = await rsyslog.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10), Ct);

            var line = Assert.Single(lines);
            Assert.StartsWith("tenant.list|[agentmesh@32473 ", line, StringComparison.Ordinal);
            Assert.Contains("outcome=\"denied\"", line, StringComparison.Ordinal);
            Assert.Contains("\"reason\":\"unauthenticated\"", line, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync(Ct);
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/audit", "too-short")]
    [InlineData("ftp://127.0.0.1/audit", "webhook-secret-of-at-least-32-bytes-0123456789")]
    public void Build_BadWebhookSettings_RefusesToStart(string url, string secret)
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));

        var refused = Assert.Throws<InvalidOperationException>(() => AgentMeshNode.Build(
        [
            "--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data,
            "--AgentMesh:Audit:Forwarding:Webhook:Url", url, "--AgentMesh:Audit:Forwarding:Webhook:Secret", secret,
        ]));

        Assert.Contains("AgentMesh:Audit:Forwarding:Webhook", refused.Message, StringComparison.Ordinal);
    }
}

public class AuditAlertTests
{
    private const string Secret = "alert-secret-of-at-least-32-bytes-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Node_KeyCreated_PostsASignedAlertRightAway()
    {
        using var receiver = new AgentMesh.TestKit.Http.WebhookReceiver();
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        await using var app = AgentMeshNode.Build(
        [
            "--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data, "--Logging:LogLevel:Default", "Warning",
            "--AgentMesh:Audit:Alerts:Url", receiver.Url.ToString(), "--AgentMesh:Audit:Alerts:Secret", Secret,
        ]);
        await app.StartAsync(Ct);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var adminKey = (await File.ReadAllTextAsync(Path.Combine(data, "admin.key"), Ct)).Trim();
            using var admin = new HttpClient { BaseAddress = new Uri(address) };
            admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
            (await admin.PostAsJsonAsync("/v1/tenants", new { id = "acme", name = "acme" }, Ct)).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync("/v1/tenants/acme/keys", new { name = "ops", roles = new[] { "operator" } }, Ct)).EnsureSuccessStatusCode();

            var tenantAlert = await receiver.NextAsync(TimeSpan.FromSeconds(10), Ct);
            var keyAlert = await receiver.NextAsync(TimeSpan.FromSeconds(10), Ct);

            Assert.Equal(AgentMesh.Audit.WebhookSink.Sign(Secret, keyAlert.Timestamp!, keyAlert.Body), keyAlert.Signature);
            var alert = System.Text.Json.Nodes.JsonNode.Parse(keyAlert.Body)!;
            Assert.Equal("sensitive_action", (string?)alert["rule"]);
            Assert.Equal("key.create", (string?)alert["entry"]!["action"]);
            Assert.Equal("acme", (string?)alert["entry"]!["tenant"]);
            Assert.Equal("tenant.create", (string?)System.Text.Json.Nodes.JsonNode.Parse(tenantAlert.Body)!["entry"]!["action"]);
        }
        finally
        {
            await app.StopAsync(Ct);
            Directory.Delete(data, recursive: true);
        }
    }
}
