using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AgentMesh.Server.Hosting;
using AgentMesh.Server.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Tests;

public sealed partial class JsonLogTests(TracingLogNodeFixture node) : IClassFixture<TracingLogNodeFixture>
{
    [Fact]
    public void Write_MessageWithValues_WritesOneJsonLineWithTemplateAndValues()
    {
        var line = Format(log => LogTaskSubmitted(log, "task-1", 3));

        Assert.Equal("information", (string)line["level"]!);
        Assert.Equal("Tests", (string)line["category"]!);
        Assert.Equal(7001, (int)line["eventId"]!);
        Assert.Equal("Task task-1 submitted with 3 attempts", (string)line["message"]!);
        Assert.Equal("Task {TaskId} submitted with {Attempts} attempts", (string)line["template"]!);
        Assert.Equal("task-1", (string)line["values"]!["TaskId"]!);
        Assert.Equal(3, (int)line["values"]!["Attempts"]!);
        var timestamp = (string)line["timestamp"]!;
        Assert.EndsWith("Z", timestamp, StringComparison.Ordinal);
        Assert.True(DateTimeOffset.TryParse(timestamp, System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public void Write_ValuesNamedLikeSecrets_AreRedactedInValuesAndMessage()
    {
        var line = Format(log => LogSecrets(log, "am_live_123456", "hunter2", "eyJhbGciOi.x.y", "key-7"));

        Assert.DoesNotContain("am_live_123456", line.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", line.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("eyJhbGciOi", line.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("[redacted]", (string)line["values"]!["ApiKey"]!);
        Assert.Equal("[redacted]", (string)line["values"]!["Password"]!);
        Assert.Equal("[redacted]", (string)line["values"]!["Authorization"]!);
        Assert.Equal("key-7", (string)line["values"]!["KeyId"]!);
        Assert.Contains("key-7", (string)line["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_InsideActivityAndRequestScope_CarriesTraceSpanRequestIdAndTenant()
    {
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        var scopes = new LoggerExternalScopeProvider();
        using var scope = scopes.Push(new RequestLogScope("req-1", "acme"));

        var line = Format(log => LogTaskSubmitted(log, "task-1", 1), scopes);

        Assert.Equal(activity.TraceId.ToHexString(), (string)line["traceId"]!);
        Assert.Equal(activity.SpanId.ToHexString(), (string)line["spanId"]!);
        Assert.Equal("req-1", (string)line["requestId"]!);
        Assert.Equal("acme", (string)line["tenant"]!);
    }

    [Fact]
    public void Write_Exception_WritesItsTypeMessageAndStack()
    {
        var line = Format(log => LogFailed(log, new InvalidOperationException("it broke")));

        Assert.Equal("error", (string)line["level"]!);
        Assert.Equal("System.InvalidOperationException", (string)line["exception"]!["type"]!);
        Assert.Equal("it broke", (string)line["exception"]!["message"]!);
        Assert.Contains("InvalidOperationException: it broke", (string)line["exception"]!["details"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_FormatJson_UsesTheJsonFormatterOnTheConsole()
    {
        await using var app = AgentMeshNode.Build(["--AgentMesh:Logging:Format", "json", "--AgentMesh:Node:DataPath", node.DataPath]);

        var console = app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;

        Assert.Equal(JsonLogFormatter.FormatterName, console.FormatterName);
        Assert.Contains(app.Services.GetServices<ConsoleFormatter>(), static f => f is JsonLogFormatter);
    }

    [Fact]
    public async Task Request_AtTraceLevel_LogsRequestIdAndTenantButNeverTheCredential()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{tenant.Path}/tasks", UriKind.Relative));
        request.Headers.Add("X-Request-Id", "log-test-" + Guid.NewGuid().ToString("N")[..8]);
        var response = await node.Admin.SendAsync(request, TestContext.Current.CancellationToken);
        using var anonymous = node.Client("am_wrong_credential_0123456789");
        var rejected = await anonymous.GetPathAsync($"{tenant.Path}/tasks");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        var requestId = request.Headers.GetValues("X-Request-Id").Single();
        var lines = node.Log.Lines;
        Assert.Contains(lines, line => (string?)line["requestId"] == requestId && (string?)line["tenant"] == tenant.Tenant && line["traceId"] is not null);
        Assert.Contains(lines, static line => (string?)line["level"] == "debug");
        Assert.DoesNotContain(node.AdminKey, node.Log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("am_wrong_credential_0123456789", node.Log.Text, StringComparison.Ordinal);
    }

    private static JsonObject Format(Action<ILogger> log, IExternalScopeProvider? scopes = null)
    {
        using var captured = new CapturedJsonLog();
        captured.SetScopeProvider(scopes ?? new LoggerExternalScopeProvider());
        log(captured.CreateLogger("Tests"));
        return Assert.Single(captured.Lines);
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Task {TaskId} submitted with {Attempts} attempts")]
    private static partial void LogTaskSubmitted(ILogger logger, string taskId, int attempts);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Key {ApiKey} password {Password} header {Authorization} of {KeyId}")]
    private static partial void LogSecrets(ILogger logger, string apiKey, string password, string authorization, string keyId);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "It failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>A node logging everything down to Trace, with ASP.NET Core's own categories and traces on, into a <see cref="CapturedJsonLog"/>.</summary>
public sealed class TracingLogNodeFixture : NodeFixture
{
    public CapturedJsonLog Log { get; } = new();

    protected override IEnumerable<string> Settings =>
    [
        "--Logging:LogLevel:Default", "Trace",
        "--Logging:LogLevel:Microsoft.AspNetCore", "Trace",
        "--AgentMesh:Telemetry:Tracing", "true",
    ];

    protected override void Configure(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Log);
    }
}
