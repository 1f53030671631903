using System.Net;

namespace AgentMesh.Server.Tests;

public class TaskSubmitTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static Dictionary<string, object?> Valid(Action<Dictionary<string, object?>>? change = null)
    {
        var body = new Dictionary<string, object?> { ["type"] = "summarize", ["input"] = new { text = "hi" } };
        change?.Invoke(body);
        return body;
    }

    private async Task AssertRejectedAsync(object body, string field)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks", body);

        await Expect.InvalidAsync(response, field);
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    private async Task AssertMalformedAsync(string body, string field)
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks", body);

        await Expect.MalformedAsync(response, field);
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Submit_Valid_Returns201WithTask()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks", Valid(b => { b["labels"] = new Dictionary<string, string> { ["team"] = "a" }; b["correlationId"] = "c-1"; }));

        var task = await Expect.OkAsync(response, HttpStatusCode.Created);
        Assert.True(Guid.TryParse((string)task["id"]!, out _));
        Assert.Equal($"{tenant.Path}/tasks/{task["id"]}", response.Headers.Location?.OriginalString);
        Assert.Equal(tenant.Tenant, (string)task["tenant"]!);
        Assert.Equal("summarize", (string)task["type"]!);
        Assert.Equal("queued", (string)task["status"]!);
        Assert.Equal("hi", (string)task["input"]!["text"]!);
        Assert.Equal(3, (int)task["priority"]!);
        Assert.Equal(300, (int)task["timeout"]!);
        Assert.Equal(4, (int)task["maxAttempts"]!);
        Assert.Equal("default", (string)task["strategy"]!);
        Assert.Equal("a", (string)task["labels"]!["team"]!);
        Assert.Equal("c-1", (string)task["correlationId"]!);
    }

    [Fact]
    public async Task Submit_SameIdempotencyKey_Returns200WithFirstTask()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var first = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks", Valid(b => b["idempotencyKey"] = "order-42"));

        var second = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks", Valid(b => b["idempotencyKey"] = "order-42"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((string)(await NodeFixture.ReadAsync(first))["id"]!, (string)(await NodeFixture.ReadAsync(second))["id"]!);
        Assert.Single((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Submit_SameIdempotencyKeyInAnotherTenant_CreatesAnotherTask()
    {
        var first = await TenantClient.CreateAsync(node);
        var second = await TenantClient.CreateAsync(node);
        var a = await first.SubmitAsync(Valid(b => b["idempotencyKey"] = "k"));

        var b = await second.SubmitAsync(Valid(b => b["idempotencyKey"] = "k"));

        Assert.NotEqual((string)a["id"]!, (string)b["id"]!);
    }

    [Fact]
    public async Task Submit_MissingType_Returns400NamingType() => await AssertRejectedAsync(Valid(b => b.Remove("type")), "type");

    [Fact]
    public async Task Submit_TypeOf129Characters_Returns400NamingType() => await AssertRejectedAsync(Valid(b => b["type"] = new string('t', 129)), "type");

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public async Task Submit_PriorityOutOfRange_Returns400NamingPriority(int priority) => await AssertRejectedAsync(Valid(b => b["priority"] = priority), "priority");

    [Theory]
    [InlineData(0)]
    [InlineData(3601)]
    public async Task Submit_TimeoutOutOfRange_Returns400NamingTimeout(int timeout) => await AssertRejectedAsync(Valid(b => b["timeout"] = timeout), "timeout");

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public async Task Submit_MaxAttemptsOutOfRange_Returns400NamingMaxAttempts(int maxAttempts) => await AssertRejectedAsync(Valid(b => b["maxAttempts"] = maxAttempts), "maxAttempts");

    [Fact]
    public async Task Submit_IdempotencyKeyOf129Characters_Returns400NamingIt() => await AssertRejectedAsync(Valid(b => b["idempotencyKey"] = new string('k', 129)), "idempotencyKey");

    [Fact]
    public async Task Submit_DeadlineInThePast_Returns400NamingDeadline() => await AssertRejectedAsync(Valid(b => b["deadline"] = DateTimeOffset.UtcNow.AddMinutes(-1)), "deadline");

    [Theory]
    [InlineData(-0.1)]
    [InlineData(5.1)]
    public async Task Submit_MinLevelOutOfRange_Returns400NamingIt(double minLevel) =>
        await AssertRejectedAsync(Valid(b => b["requirements"] = new[] { new { capability = "summarize", minLevel = 3.0 }, new { capability = "other", minLevel } }), "requirements[1].minLevel");

    [Fact]
    public async Task Submit_BadRequirementCapability_Returns400NamingIt() =>
        await AssertRejectedAsync(Valid(b => b["requirements"] = new[] { new { capability = "Bad Name", minLevel = 3.0 } }), "requirements[0].capability");

    [Fact]
    public async Task Submit_MissingRequirementCapability_Returns400NamingIt() =>
        await AssertRejectedAsync(Valid(b => b["requirements"] = new[] { new { minLevel = 3.0 } }), "requirements[0].capability");

    [Fact]
    public async Task Submit_33Labels_Returns400NamingLabels() =>
        await AssertRejectedAsync(Valid(b => b["labels"] = Enumerable.Range(0, 33).ToDictionary(i => $"k{i}", i => "v")), "labels");

    [Fact]
    public async Task Submit_LabelValueOf257Characters_Returns400NamingLabels() =>
        await AssertRejectedAsync(Valid(b => b["labels"] = new Dictionary<string, string> { ["k"] = new string('v', 257) }), "labels");

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    public async Task Submit_RequiredSuccessRateOutOfRange_Returns400NamingIt(double rate) => await AssertRejectedAsync(Valid(b => b["requiredSuccessRate"] = rate), "requiredSuccessRate");

    [Fact]
    public async Task Submit_UnknownStrategy_Returns400NamingStrategy() => await AssertRejectedAsync(Valid(b => b["strategy"] = "fastest"), "strategy");

    [Fact]
    public async Task Submit_BadTargetAgent_Returns400NamingIt() => await AssertRejectedAsync(Valid(b => b["targetAgent"] = "x"), "targetAgent");

    [Fact]
    public async Task Submit_CorrelationIdOf129Characters_Returns400NamingIt() => await AssertRejectedAsync(Valid(b => b["correlationId"] = new string('c', 129)), "correlationId");

    [Fact]
    public async Task Submit_SeveralBadFields_NamesEach()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks", Valid(b => { b["priority"] = 9; b["timeout"] = 0; }));

        var problem = await Expect.InvalidAsync(response, "priority");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("timeout"));
    }

    [Theory]
    [InlineData("type")]
    [InlineData("idempotencyKey")]
    [InlineData("correlationId")]
    public async Task Submit_NulInTextField_Returns400NamingIt(string field) => await AssertRejectedAsync(Valid(b => b[field] = "a\0b"), field);

    [Fact]
    public async Task Submit_LoneSurrogateInType_Returns400MalformedJson() => await AssertMalformedAsync("{\"type\": \"a\\ud800\", \"input\": {}}", "type");

    [Fact]
    public async Task Submit_PriorityAsString_Returns400NamingPriority() => await AssertMalformedAsync("{\"type\": \"t\", \"input\": {}, \"priority\": \"high\"}", "priority");

    [Fact]
    public async Task Submit_PriorityAsFraction_Returns400NamingPriority() => await AssertMalformedAsync("{\"type\": \"t\", \"input\": {}, \"priority\": 2.5}", "priority");

    [Fact]
    public async Task Submit_DeadlineNotATime_Returns400NamingDeadline() => await AssertMalformedAsync("{\"type\": \"t\", \"input\": {}, \"deadline\": \"tomorrow\"}", "deadline");

    [Fact]
    public async Task Submit_RequirementsAsObject_Returns400NamingRequirements() => await AssertMalformedAsync("{\"type\": \"t\", \"input\": {}, \"requirements\": {}}", "requirements");

    [Fact]
    public async Task Submit_LabelValueAsNumber_Returns400NamingLabel() => await AssertMalformedAsync("{\"type\": \"t\", \"input\": {}, \"labels\": {\"k\": 1}}", "labels.k");

    [Fact]
    public async Task Submit_RequiresApprovalAsString_Returns400NamingIt() => await AssertMalformedAsync("{\"type\": \"t\", \"input\": {}, \"requiresApproval\": \"yes\"}", "requiresApproval");

    [Fact]
    public async Task Submit_ParentTaskIdNotAnId_Returns400NamingIt() => await AssertMalformedAsync("{\"type\": \"t\", \"input\": {}, \"parentTaskId\": \"parent\"}", "parentTaskId");

    [Fact]
    public async Task Submit_TypeAsNumber_Returns400NamingType() => await AssertMalformedAsync("{\"type\": 5, \"input\": {}}", "type");

    [Fact]
    public async Task Submit_TrailingGarbage_Returns400MalformedJson() => await AssertMalformedAsync("{\"type\": \"t\", \"input\": {}} x", "body");

    [Fact]
    public async Task Submit_TextPlain_Returns415()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks", "{\"type\": \"t\", \"input\": {}}", "text/plain");

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Submit_NoContentType_Returns415()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var content = new ByteArrayContent("{\"type\": \"t\", \"input\": {}}"u8.ToArray());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{tenant.Path}/tasks", UriKind.Relative)) { Content = content };

        var response = await tenant.Http.SendRequestAsync(request);

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Submit_UnknownTenant_Returns404()
    {
        var response = await node.Admin.PostJsonAsync("/v1/tenants/no-such-tenant/tasks", Valid());

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task Submit_OverPendingQuota_Returns422AndStoresNothing()
    {
        var tenant = await TenantClient.CreateAsync(node, new { maxAgents = 10, maxPendingTasks = 1, requestsPerSecond = 100 });
        await tenant.SubmitAsync();

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks", Valid());

        await Expect.ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "quota_exceeded");
        Assert.Single((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task SubmitBatch_Valid_Returns201WithTasksInOrder()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks:batch", new { tasks = new[] { Valid(b => b["type"] = "a"), Valid(b => b["type"] = "b"), Valid(b => b["type"] = "c") } });

        var page = await Expect.OkAsync(response, HttpStatusCode.Created);
        Assert.Equal(["a", "b", "c"], page["items"]!.AsArray().Select(t => (string)t!["type"]!));
        Assert.Equal(3, (await tenant.ListTasksAsync())["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task SubmitBatch_OneBadTask_Returns400NamingItAndStoresNone()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks:batch", new { tasks = new[] { Valid(), Valid(b => b["timeout"] = 0), Valid() } });

        await Expect.InvalidAsync(response, "tasks[1].timeout");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task SubmitBatch_BadRequirementLevel_NamesFullPath()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks:batch", new { tasks = new[] { Valid(), Valid(), Valid(b => b["requirements"] = new[] { new { capability = "x", minLevel = 9 } }) } });

        await Expect.InvalidAsync(response, "tasks[2].requirements[0].minLevel");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task SubmitBatch_WrongTypeInItem_Returns400NamingIt()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks:batch", "{\"tasks\": [{\"type\": \"a\", \"input\": {}}, {\"type\": \"b\", \"input\": {}, \"priority\": \"high\"}]}");

        await Expect.MalformedAsync(response, "tasks[1].priority");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task SubmitBatch_NullItem_Returns400NamingIt()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks:batch", "{\"tasks\": [{\"type\": \"a\", \"input\": {}}, null]}");

        await Expect.InvalidAsync(response, "tasks[1]");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task SubmitBatch_Empty_Returns400NamingTasks()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks:batch", new { tasks = Array.Empty<object>() });

        await Expect.InvalidAsync(response, "tasks");
    }

    [Fact]
    public async Task SubmitBatch_1001Tasks_Returns400NamingTasks()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks:batch", new { tasks = Enumerable.Range(0, 1001).Select(_ => new { type = "t" }).ToArray() });

        await Expect.InvalidAsync(response, "tasks");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task SubmitBatch_TasksAsObject_Returns400NamingTasks()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks:batch", "{\"tasks\": {}}");

        await Expect.MalformedAsync(response, "tasks");
    }

    [Fact]
    public async Task SubmitBatch_TextPlain_Returns415()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks:batch", "{\"tasks\": [{\"type\": \"a\"}]}", "text/plain");

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task SubmitBatch_UnknownTenant_Returns404()
    {
        var response = await node.Admin.PostJsonAsync("/v1/tenants/no-such-tenant/tasks:batch", new { tasks = new[] { Valid() } });

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task SubmitBatch_RepeatedIdempotencyKeyInBatch_CreatesOneTask()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var page = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/tasks:batch", new { tasks = new[] { Valid(b => b["idempotencyKey"] = "same"), Valid(b => b["idempotencyKey"] = "same") } }), HttpStatusCode.Created);

        Assert.Equal((string)page["items"]![0]!["id"]!, (string)page["items"]![1]!["id"]!);
        Assert.Single((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Submit_PriorityOverflowingInt_Returns400NamingPriority() => await AssertMalformedAsync("{\"type\": \"t\", \"input\": {}, \"priority\": 99999999999}", "priority");

    [Fact]
    public async Task Submit_InputNestedTooDeep_Returns400()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var input = new string('[', 200) + new string(']', 200);

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks", $"{{\"type\": \"t\", \"input\": {input}}}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task SubmitBatch_InputNestedTooDeep_Returns400AndStoresNone()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var input = new string('{', 1) + string.Concat(Enumerable.Repeat("\"a\":{", 10_000)) + new string('}', 10_001);

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/tasks:batch", """{"tasks": [{"type": "t", "input": {}}, {"type": "t", "input": """ + input + "}]}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json");
        Assert.Empty((await tenant.ListTasksAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Submit_InvalidUtf8_Returns400()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var content = new ByteArrayContent([.. "{\"type\": \""u8, 0xC3, 0x28, .. "\"}"u8]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{tenant.Path}/tasks", UriKind.Relative)) { Content = content };

        var response = await tenant.Http.SendRequestAsync(request);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json");
    }

    [Fact]
    public async Task Submit_SameIdempotencyKeyConcurrently_CreatesOneTask()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => tenant.Http.PostJsonAsync($"{tenant.Path}/tasks", Valid(b => b["idempotencyKey"] = "race"))));

        var ids = new HashSet<string>();
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK);
            ids.Add((string)(await NodeFixture.ReadAsync(response))["id"]!);
        }

        Assert.Single(ids);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Single((await tenant.ListTasksAsync())["items"]!.AsArray());
    }
}
