using System.Diagnostics;
using System.Net;

namespace AgentMesh.Server.Tests;

public class AgentProtocolTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Theory]
    [InlineData("{\"max\": 0}", "max")]
    [InlineData("{\"max\": 101}", "max")]
    [InlineData("{\"waitSeconds\": -1}", "waitSeconds")]
    [InlineData("{\"waitSeconds\": 31}", "waitSeconds")]
    public async Task Poll_OutOfRange_Returns400NamingField(string body, string field)
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/agents/agent-1/poll", body);

        await Expect.InvalidAsync(response, field);
    }

    [Theory]
    [InlineData("{\"max\": \"1\"}", "max")]
    [InlineData("{\"waitSeconds\": 1.5}", "waitSeconds")]
    [InlineData("{\"max\": ", "body")]
    public async Task Poll_WrongType_Returns400MalformedJson(string body, string field)
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/agents/agent-1/poll", body);

        await Expect.MalformedAsync(response, field);
    }

    [Fact]
    public async Task Poll_TextPlain_Returns415()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/agents/agent-1/poll", "{\"max\": 1}", "text/plain");

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Poll_NoBody_UsesDefaults()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();

        var poll = await Expect.OkAsync(await tenant.Http.PostEmptyAsync($"{tenant.Path}/agents/agent-1/poll"));

        Assert.Single(poll["assignments"]!.AsArray());
        Assert.Empty(poll["cancellations"]!.AsArray());
        Assert.Empty(poll["calls"]!.AsArray());
    }

    [Fact]
    public async Task Poll_UnknownAgent_Returns404()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/nobody/poll", new { waitSeconds = 0 });

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "agent_not_found");
    }

    [Fact]
    public async Task Poll_UnknownTenant_Returns404()
    {
        var response = await node.Admin.PostJsonAsync("/v1/tenants/no-such-tenant/agents/agent-1/poll", new { waitSeconds = 0 });

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task Poll_Waiting_AnswersAsSoonAsTaskIsSubmitted()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        var clock = Stopwatch.StartNew();
        var poll = tenant.PollAsync("agent-1", wait: 20);
        await Task.Delay(300, TestContext.Current.CancellationToken);

        var task = await tenant.SubmitAsync();
        var answer = await poll;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The poll took {clock.Elapsed}.");
        var assignment = Assert.Single(answer["assignments"]!.AsArray())!;
        Assert.Equal((string)task["id"]!, (string)assignment["taskId"]!);
        Assert.Equal(1, (int)assignment["attempt"]!);
        Assert.False(string.IsNullOrEmpty((string?)assignment["leaseToken"]));
        Assert.NotNull(assignment["leaseExpiresAt"]);
        Assert.Equal("work", (string)assignment["type"]!);
        Assert.Equal(1, (int)assignment["input"]!["n"]!);
        Assert.Equal(3, (int)assignment["priority"]!);
    }

    [Fact]
    public async Task Poll_NothingToDo_AnswersEmptyAfterWait()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");
        var clock = Stopwatch.StartNew();

        var poll = await tenant.PollAsync("agent-1", wait: 1);

        Assert.Empty(poll["assignments"]!.AsArray());
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"The poll took {clock.Elapsed}.");
    }

    [Fact]
    public async Task Poll_MaxThree_TakesUpToThree()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1", maxConcurrency: 5);
        for (var i = 0; i < 4; i++)
        {
            await tenant.SubmitAsync();
        }

        await Task.Delay(300, TestContext.Current.CancellationToken);
        var poll = await tenant.PollAsync("agent-1", max: 3, wait: 2);

        Assert.Equal(3, poll["assignments"]!.AsArray().Count);
    }

    [Fact]
    public async Task Poll_RegisteredAgent_BecomesConnected()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");

        await tenant.PollAsync("agent-1", wait: 0);

        var agent = await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/agents/agent-1"));
        Assert.Equal("available", (string)agent["status"]!);
        Assert.True((bool)agent["connected"]!);
        Assert.NotNull(agent["lastHeartbeat"]);
    }

    [Theory]
    [InlineData("{\"load\": 1.5}", "load")]
    [InlineData("{\"load\": -0.1}", "load")]
    [InlineData("{\"leases\": [{\"taskId\": \"0197a8a0-0000-7000-8000-000000000000\"}]}", "leases[0].leaseToken")]
    [InlineData("{\"leases\": [null]}", "leases[0].leaseToken")]
    [InlineData("{\"leases\": [{\"leaseToken\": \"x\"}]}", "leases[0].taskId")]
    public async Task Heartbeat_Invalid_Returns400NamingField(string body, string field)
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/agents/agent-1/heartbeat", body);

        await Expect.InvalidAsync(response, field);
    }

    [Theory]
    [InlineData("{\"load\": \"high\"}", "load")]
    [InlineData("{\"leases\": {}}", "leases")]
    [InlineData("{\"leases\": [{\"taskId\": \"not-a-guid\", \"leaseToken\": \"x\"}]}", "leases[0].taskId")]
    public async Task Heartbeat_WrongType_Returns400MalformedJson(string body, string field)
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/agents/agent-1/heartbeat", body);

        await Expect.MalformedAsync(response, field);
    }

    [Fact]
    public async Task Heartbeat_UnknownAgent_Returns404()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/nobody/heartbeat", new { leases = Array.Empty<object>() });

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "agent_not_found");
    }

    [Fact]
    public async Task Heartbeat_CurrentLease_ExtendsIt()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync(new { type = "work", input = new { }, timeout = 60 });
        var assignment = await tenant.TakeAsync("agent-1");
        var before = (DateTimeOffset)assignment["leaseExpiresAt"]!;
        await Task.Delay(50, TestContext.Current.CancellationToken);

        var beat = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/agent-1/heartbeat", new { load = 0.5, leases = new[] { new { taskId = (string)assignment["taskId"]!, leaseToken = (string)assignment["leaseToken"]! } } }));

        var lease = Assert.Single(beat["leases"]!.AsArray())!;
        Assert.Equal((string)assignment["taskId"]!, (string)lease["taskId"]!);
        Assert.True((DateTimeOffset)lease["leaseExpiresAt"]! > before);
        Assert.Empty(beat["lost"]!.AsArray());
    }

    [Fact]
    public async Task Heartbeat_StaleToken_ReportsLost()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");

        var beat = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/agent-1/heartbeat", new { leases = new[] { new { taskId = (string)assignment["taskId"]!, leaseToken = "stale" } } }));

        Assert.Empty(beat["leases"]!.AsArray());
        Assert.Equal((string)assignment["taskId"]!, (string)beat["lost"]![0]!);
    }

    [Fact]
    public async Task Heartbeat_FinishedTask_ReportsLost()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");
        await Expect.OkAsync(await tenant.CompleteAsync(assignment));

        var beat = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/agent-1/heartbeat", new { leases = new[] { new { taskId = (string)assignment["taskId"]!, leaseToken = (string)assignment["leaseToken"]! } } }));

        Assert.Equal((string)assignment["taskId"]!, (string)beat["lost"]![0]!);
    }

    [Fact]
    public async Task Heartbeat_OtherAgentsLease_ReportsLostAndDoesNotExtend()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.RegisterAsync("agent-2");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");

        var beat = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/agent-2/heartbeat", new { leases = new[] { new { taskId = (string)assignment["taskId"]!, leaseToken = (string)assignment["leaseToken"]! } } }));

        Assert.Empty(beat["leases"]!.AsArray());
        Assert.Single(beat["lost"]!.AsArray());
    }

    [Fact]
    public async Task Results_Batch_AnswersPerItem()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1", maxConcurrency: 2);
        await tenant.SubmitAsync();
        await tenant.SubmitAsync();
        await Task.Delay(200, TestContext.Current.CancellationToken);
        var poll = await tenant.PollAsync("agent-1", max: 2);
        var first = poll["assignments"]![0]!;
        var second = poll["assignments"]![1]!;
        var unknown = Guid.CreateVersion7().ToString();

        var answer = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/agent-1/results", new
        {
            results = new object[]
            {
                new { taskId = (string)first["taskId"]!, leaseToken = (string)first["leaseToken"]!, outcome = "succeeded", output = new { ok = 1 } },
                new { taskId = (string)second["taskId"]!, leaseToken = "stale", outcome = "succeeded", output = new { } },
                new { taskId = unknown, leaseToken = "x", outcome = "failed", error = new { code = "boom", message = "m" }, retryable = true },
            },
        }));

        var results = answer["results"]!.AsArray();
        Assert.Equal(3, results.Count);
        Assert.Equal(200, (int)results[0]!["status"]!);
        Assert.Equal("succeeded", (string)results[0]!["taskStatus"]!);
        Assert.Equal(409, (int)results[1]!["status"]!);
        Assert.Equal("lease_conflict", (string)results[1]!["code"]!);
        Assert.Equal(404, (int)results[2]!["status"]!);
        Assert.Equal("task_not_found", (string)results[2]!["code"]!);
        Assert.Equal("succeeded", (string)(await tenant.TaskAsync((string)first["taskId"]!))["status"]!);
        Assert.Equal("running", (string)(await tenant.TaskAsync((string)second["taskId"]!))["status"]!);
    }

    [Fact]
    public async Task Results_DeclinedAndFailed_MoveTasksOn()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1", maxConcurrency: 2);
        await tenant.SubmitAsync(new { type = "work", input = new { }, maxAttempts = 1 });
        await tenant.SubmitAsync();
        await Task.Delay(200, TestContext.Current.CancellationToken);
        var poll = await tenant.PollAsync("agent-1", max: 2);
        var assignments = poll["assignments"]!.AsArray().OrderBy(a => (int)a!["attempt"]!).ToList();
        Assert.Equal(2, assignments.Count);

        var answer = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/agent-1/results", new
        {
            results = assignments.Select((a, i) => i == 0
                ? (object)new { taskId = (string)a!["taskId"]!, leaseToken = (string)a["leaseToken"]!, outcome = "failed", error = new { code = "boom", message = "m" }, retryable = false }
                : new { taskId = (string)a!["taskId"]!, leaseToken = (string)a["leaseToken"]!, outcome = "declined", reason = "busy" }).ToArray(),
        }));

        Assert.Equal("failed", (string)answer["results"]![0]!["taskStatus"]!);
        Assert.Equal("queued", (string)answer["results"]![1]!["taskStatus"]!);
    }

    [Theory]
    [InlineData("{\"results\": []}", "results")]
    [InlineData("{}", "results")]
    [InlineData("{\"results\": [{\"taskId\": \"0197a8a0-0000-7000-8000-000000000000\", \"outcome\": \"succeeded\"}]}", "results[0].leaseToken")]
    [InlineData("{\"results\": [{\"taskId\": \"0197a8a0-0000-7000-8000-000000000000\", \"leaseToken\": \"x\", \"outcome\": \"done\"}]}", "results[0].outcome")]
    [InlineData("{\"results\": [{\"taskId\": \"0197a8a0-0000-7000-8000-000000000000\", \"leaseToken\": \"x\", \"outcome\": \"failed\"}]}", "results[0].error.code")]
    [InlineData("{\"results\": [{\"taskId\": \"0197a8a0-0000-7000-8000-000000000000\", \"leaseToken\": \"x\", \"outcome\": \"progress\", \"percent\": 101}]}", "results[0].percent")]
    [InlineData("{\"results\": [{\"leaseToken\": \"x\", \"outcome\": \"succeeded\"}]}", "results[0].taskId")]
    [InlineData("{\"results\": [null]}", "results[0]")]
    [InlineData("{\"results\": [{\"taskId\": \"0197a8a0-0000-7000-8000-000000000000\", \"leaseToken\": \"x\", \"outcome\": \"succeeded\", \"traceparent\": \"not-a-trace\"}]}", "results[0].traceparent")]
    [InlineData("{\"results\": [{\"taskId\": \"0197a8a0-0000-7000-8000-000000000000\", \"leaseToken\": \"x\", \"outcome\": \"succeeded\", \"usage\": {\"inputTokens\": -1, \"outputTokens\": 2}}]}", "results[0].usage.inputTokens")]
    [InlineData("{\"results\": [{\"taskId\": \"0197a8a0-0000-7000-8000-000000000000\", \"leaseToken\": \"x\", \"outcome\": \"succeeded\", \"usage\": {\"inputTokens\": 1}}]}", "results[0].usage.outputTokens")]
    [InlineData("{\"results\": [{\"taskId\": \"0197a8a0-0000-7000-8000-000000000000\", \"leaseToken\": \"x\", \"outcome\": \"declined\", \"usage\": {\"inputTokens\": 1, \"outputTokens\": 1}}]}", "results[0].usage")]
    public async Task Results_Invalid_Returns400NamingField(string body, string field)
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/agents/agent-1/results", body);

        await Expect.InvalidAsync(response, field);
    }

    [Theory]
    [InlineData("{\"results\": {}}", "results")]
    [InlineData("{\"results\": [{\"taskId\": 5, \"leaseToken\": \"x\", \"outcome\": \"succeeded\"}]}", "results[0].taskId")]
    [InlineData("{\"results\": [{\"taskId\": \"0197a8a0-0000-7000-8000-000000000000\", \"leaseToken\": \"x\", \"outcome\": \"failed\", \"retryable\": \"no\"}]}", "results[0].retryable")]
    public async Task Results_WrongType_Returns400MalformedJson(string body, string field)
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.RegisterAsync("agent-1");

        var response = await tenant.Http.PostTextAsync($"{tenant.Path}/agents/agent-1/results", body);

        await Expect.MalformedAsync(response, field);
    }

    [Fact]
    public async Task Results_OneInvalidItem_AppliesNone()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/agent-1/results", new
        {
            results = new object[]
            {
                new { taskId = (string)assignment["taskId"]!, leaseToken = (string)assignment["leaseToken"]!, outcome = "succeeded", output = new { } },
                new { taskId = (string)assignment["taskId"]!, leaseToken = (string)assignment["leaseToken"]!, outcome = "exploded" },
            },
        });

        await Expect.InvalidAsync(response, "results[1].outcome");
        Assert.Equal("running", (string)(await tenant.TaskAsync((string)assignment["taskId"]!))["status"]!);
    }

    [Fact]
    public async Task Results_UnknownAgent_Returns404()
    {
        var tenant = await TenantClient.CreateAsync(node);

        var response = await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/nobody/results", new { results = new[] { new { taskId = Guid.CreateVersion7().ToString(), leaseToken = "x", outcome = "succeeded" } } });

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "agent_not_found");
    }

    [Fact]
    public async Task Results_AnotherAgentsTask_Returns403ForThatItem()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.ConnectAsync("agent-1");
        await tenant.RegisterAsync("agent-2");
        await tenant.SubmitAsync();
        var assignment = await tenant.TakeAsync("agent-1");

        var answer = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/agents/agent-2/results", new { results = new[] { new { taskId = (string)assignment["taskId"]!, leaseToken = (string)assignment["leaseToken"]!, outcome = "succeeded" } } }));

        Assert.Equal(403, (int)answer["results"]![0]!["status"]!);
        Assert.Equal("running", (string)(await tenant.TaskAsync((string)assignment["taskId"]!))["status"]!);
    }
}
