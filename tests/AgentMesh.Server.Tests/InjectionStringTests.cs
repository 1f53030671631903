using System.Net;
using System.Text.Json.Nodes;

namespace AgentMesh.Server.Tests;

/// <summary>
/// SQL and JSON injection strings, NUL and markup in every text field of task submission, agent registration, tenant
/// and key creation: each is stored and read back exactly as sent, or refused with a 4xx problem naming the field and
/// nothing written; afterwards the database still answers and the audit chain is intact. Never a 5xx.
/// </summary>
public abstract class InjectionStringTests(NodeFixture node)
{
    public static readonly TheoryData<string> Strings =
    [
        "'; DROP TABLE tasks; --",
        "\" OR 1=1 --",
        "{\"$gt\":\"\"}",
        "\u0000",
        "</script><script>alert(1)</script>",
        "Robert'); DELETE FROM agents WHERE ('1'='1",
        "\"}],\"status\":\"succeeded\",\"x\":[{\"",
        "' UNION SELECT key_hash FROM api_keys --",
    ];

    private static readonly TextField[] TaskFields =
    [
        new("type", static (b, s) => b["type"] = s, static (t, s) => Text(t["type"]) == s),
        new("idempotencyKey", static (b, s) => b["idempotencyKey"] = s, static (t, s) => Text(t["idempotencyKey"]) == s),
        new("correlationId", static (b, s) => b["correlationId"] = s, static (t, s) => Text(t["correlationId"]) == s),
        new("labels", static (b, s) => b["labels"] = new JsonObject { ["k"] = s }, static (t, s) => Text(t["labels"]?["k"]) == s),
        new("labels", static (b, s) => b["labels"] = new JsonObject { [s] = "v" }, static (t, s) => Text(t["labels"]?[s]) == "v"),
        new("input", static (b, s) => b["input"] = new JsonObject { ["text"] = s }, static (t, s) => Text(t["input"]?["text"]) == s),
        new("input", static (b, s) => b["input"] = new JsonObject { [s] = "v" }, static (t, s) => Text(t["input"]?[s]) == "v"),
        new("input", static (b, s) => b["input"] = s, static (t, s) => Text(t["input"]) == s),
        new("requirements[0].capability", static (b, s) => b["requirements"] = new JsonArray(new JsonObject { ["capability"] = s, ["minLevel"] = 1 }), static (t, s) => Text(t["requirements"]?[0]?["capability"]) == s),
        new("targetAgent", static (b, s) => b["targetAgent"] = s, static (t, s) => Text(t["targetAgent"]) == s),
        new("strategy", static (b, s) => b["strategy"] = s, static (t, s) => Text(t["strategy"]) == s),
    ];

    private static readonly TextField[] AgentFields =
    [
        new("name", static (b, s) => b["name"] = s, static (a, s) => Text(a["name"]) == s),
        new("type", static (b, s) => b["type"] = s, static (a, s) => Text(a["type"]) == s),
        new("description", static (b, s) => b["description"] = s, static (a, s) => Text(a["description"]) == s),
        new("capabilities[0].name", static (b, s) => b["capabilities"] = new JsonArray(new JsonObject { ["name"] = s, ["level"] = 3 }), static (a, s) => Text(a["capabilities"]?[0]?["name"]) == s),
        new("tags[0]", static (b, s) => b["tags"] = new JsonArray(s), static (a, s) => Text(a["tags"]?[0]) == s),
        new("metadata", static (b, s) => b["metadata"] = new JsonObject { ["k"] = s }, static (a, s) => Text(a["metadata"]?["k"]) == s),
        new("metadata", static (b, s) => b["metadata"] = new JsonObject { [s] = "v" }, static (a, s) => Text(a["metadata"]?[s]) == "v"),
        new("supervisor", static (b, s) => b["supervisor"] = s, static (a, s) => Text(a["supervisor"]) == s),
    ];

    [Theory]
    [MemberData(nameof(Strings))]
    public async Task Submit_InjectionStringInEachTextField_StoredAsSentOrRefusedNamingIt(string text)
    {
        var tenant = await TenantClient.CreateAsync(node);
        var stored = 0;
        foreach (var field in TaskFields)
        {
            var body = new JsonObject { ["type"] = "work", ["input"] = new JsonObject { ["n"] = 1 } };
            field.Put(body, text);

            var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks", body);

            if (await StoredOrRefusedAsync(response, field, text, answer => tenant.Http.GetPathAsync($"{tenant.Path}/tasks/{answer["id"]}")))
            {
                stored++;
            }

            Assert.Equal(stored, (await tenant.ListTasksAsync())["items"]!.AsArray().Count);
        }

        await AssertIntactAsync(tenant);
    }

    [Theory]
    [MemberData(nameof(Strings))]
    public async Task RegisterAgent_InjectionStringInEachTextField_StoredAsSentOrRefusedNamingIt(string text)
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("boss-1");
        var stored = 1;
        for (var i = 0; i < AgentFields.Length; i++)
        {
            var field = AgentFields[i];
            var body = new JsonObject { ["name"] = "a", ["capabilities"] = new JsonArray(new JsonObject { ["name"] = "work", ["level"] = 3 }) };
            field.Put(body, text);

            var response = await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/agent-{i}", body);

            if (await StoredOrRefusedAsync(response, field, text, answer => tenant.Http.GetPathAsync($"{tenant.Path}/agents/agent-{i}")))
            {
                stored++;
            }

            Assert.Equal(stored, (await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents")))["items"]!.AsArray().Count);
        }

        await AssertIntactAsync(tenant);
    }

    [Theory]
    [MemberData(nameof(Strings))]
    public async Task RegisterAgent_InjectionStringAsPathId_Returns4xxAndRegistersNothing(string text)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PutJsonAsync($"{tenant.Path}/agents/{Uri.EscapeDataString(text)}", new { name = "a", capabilities = new[] { new { name = "work", level = 3 } } });

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Empty((await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents")))["items"]!.AsArray());
        await AssertIntactAsync(tenant);
    }

    [Theory]
    [MemberData(nameof(Strings))]
    public async Task CreateTenant_InjectionStringInIdAndName_StoredAsSentOrRefusedNamingIt(string text)
    {
        var id = "t-" + Guid.NewGuid().ToString("N")[..12];
        var refusedId = "t-" + Guid.NewGuid().ToString("N")[..12];
        var name = new TextField("name", static (b, s) => b["name"] = s, static (t, s) => Text(t["name"]) == s);
        var tenantId = new TextField("id", static (b, s) => b["id"] = s, static (t, s) => Text(t["id"]) == s);

        var named = await node.Admin.PostJsonAsync("/v1/tenants", new JsonObject { ["id"] = id, ["name"] = text });
        var badId = await node.Admin.PostJsonAsync("/v1/tenants", new JsonObject { ["id"] = text, ["name"] = refusedId });

        var stored = await StoredOrRefusedAsync(named, name, text, _ => node.Admin.GetPathAsync($"/v1/tenants/{id}"));
        Assert.False(await StoredOrRefusedAsync(badId, tenantId, text, _ => node.Admin.GetPathAsync($"/v1/tenants/{Uri.EscapeDataString(text)}")));
        var tenants = await Expect.OkAsync(await node.Admin.GetPathAsync("/v1/tenants"));
        Assert.DoesNotContain(refusedId, tenants.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(stored ? HttpStatusCode.OK : HttpStatusCode.NotFound, (await node.Admin.GetPathAsync($"/v1/tenants/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await node.Admin.PostJsonAsync("/v1/tenants", new { id = refusedId, name = "after" })).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Strings))]
    public async Task CreateKey_InjectionStringInEachTextField_StoredAsSentOrRefusedNamingIt(string text)
    {
        var tenant = await TenantClient.CreateAsync(node);
        TextField[] fields =
        [
            new("name", static (b, s) => b["name"] = s, static (k, s) => Text(k["name"]) == s),
            new("roles[0]", static (b, s) => b["roles"] = new JsonArray(s), static (k, s) => Text(k["roles"]?[0]) == s),
            new("agentId", static (b, s) => (b["roles"], b["agentId"]) = (new JsonArray("agent"), s), static (k, s) => Text(k["agentId"]) == s),
        ];
        var keys = (await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/keys")))["items"]!.AsArray().Count;
        foreach (var field in fields)
        {
            var body = new JsonObject { ["name"] = "k", ["roles"] = new JsonArray("viewer") };
            field.Put(body, text);

            var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/keys", body);

            if (await StoredOrRefusedAsync(response, field, text, answer => ListedKeyAsync(tenant, (string)answer["id"]!)))
            {
                keys++;
            }

            Assert.Equal(keys, (await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/keys")))["items"]!.AsArray().Count);
        }

        await AssertIntactAsync(tenant);
    }

    [Theory]
    [MemberData(nameof(Strings))]
    public async Task Report_InjectionStringInEachTextField_StoredAsSentOrRefusedNamingIt(string text)
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1", maxConcurrency: 8);
        (string Action, TextField Field)[] reports =
        [
            ("progress", new("message", static (b, s) => (b["percent"], b["message"]) = (5, s), static (t, s) => Text(t["progress"]?["message"]) == s)),
            ("fail", new("error.message", static (b, s) => (b["error"], b["retryable"]) = (new JsonObject { ["code"] = "x", ["message"] = s }, false), static (t, s) => Text(t["error"]?["message"]) == s)),
            ("fail", new("error.code", static (b, s) => (b["error"], b["retryable"]) = (new JsonObject { ["code"] = s, ["message"] = "m" }, false), static (t, s) => Text(t["error"]?["code"]) == s)),
            ("complete", new("output", static (b, s) => b["output"] = new JsonObject { ["text"] = s }, static (t, s) => Text(t["output"]?["text"]) == s)),
        ];
        foreach (var (action, field) in reports)
        {
            var task = await tenant.SubmitAsync();
            var assignment = await tenant.TakeAsync("agent-1");
            var body = new JsonObject { ["leaseToken"] = (string)assignment["leaseToken"]! };
            field.Put(body, text);

            var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks/{task["id"]}/{action}", body);

            if (!await StoredOrRefusedAsync(response, field, text, _ => tenant.Http.GetPathAsync($"{tenant.Path}/tasks/{task["id"]}")))
            {
                var unchanged = await tenant.TaskAsync((string)task["id"]!);
                Assert.Equal("running", (string)unchanged["status"]!);
                Assert.Null(unchanged["progress"]);
            }
        }

        await AssertIntactAsync(tenant);
    }

    /// <summary>
    /// True when the answer is 2xx and what <paramref name="read"/> returns holds the text as sent; false when it is a 4xx
    /// problem naming the field. Anything else fails.
    /// </summary>
    private static async Task<bool> StoredOrRefusedAsync(HttpResponseMessage response, TextField field, string text, Func<JsonObject, Task<HttpResponseMessage>> read)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            var stored = await Expect.OkAsync(await read(body.Length == 0 ? [] : JsonNode.Parse(body)!.AsObject()));
            Assert.True(field.StoredAsSent(stored, text), $"{field.Name} {Show(text)} came back as {stored.ToJsonString()}");
            return true;
        }

        Assert.True(status is >= 400 and < 500, $"{field.Name} {Show(text)} answered {status}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(body)!["errors"]?.AsObject();
        Assert.True(errors is not null && errors.ContainsKey(field.Name), $"{field.Name} {Show(text)} was refused without naming the field: {body}");
        return false;
    }

    private static async Task<HttpResponseMessage> ListedKeyAsync(TenantClient tenant, string id)
    {
        var list = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/keys"));
        var key = list["items"]!.AsArray().Single(k => (string)k!["id"]! == id)!;
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(key.ToJsonString()) };
    }

    /// <summary>The tenant still takes and lists tasks, and the audit log verifies.</summary>
    private async Task AssertIntactAsync(TenantClient tenant)
    {
        var before = (await tenant.ListTasksAsync())["items"]!.AsArray().Count;
        await tenant.SubmitAsync();
        Assert.Equal(before + 1, (await tenant.ListTasksAsync())["items"]!.AsArray().Count);
        var audit = await Expect.OkAsync(await node.Admin.GetPathAsync("/v1/audit/verify"));
        Assert.True(audit["intact"]!.GetValue<bool>(), audit.ToJsonString());
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString();

    private static string Show(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private sealed record TextField(string Name, Action<JsonObject, string> Put, Func<JsonObject, string, bool> StoredAsSent);
}

public sealed class SqliteInjectionStringTests(NodeFixture node) : InjectionStringTests(node), IClassFixture<NodeFixture>;

public sealed class PostgresInjectionStringTests(PostgresNodeFixture node) : InjectionStringTests(node), IClassFixture<PostgresNodeFixture>;
