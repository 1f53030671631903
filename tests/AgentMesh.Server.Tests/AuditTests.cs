using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentMesh.Audit;

namespace AgentMesh.Server.Tests;

public class AuditTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Api_AuditedActions_AreAllInTheLogWithActorOutcomeAndReason()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var viewer = await tenant.ClientAsync(["viewer"]);
        using var stranger = node.Client("amk_not_a_real_key");
        using var anonymous = node.Client(null);
        var other = await TenantClient.CreateAsync(node);

        var task = await tenant.SubmitAsync();
        var taskId = task["id"]!.GetValue<string>();
        await tenant.TaskAsync(taskId);
        await tenant.ListTasksAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetPathAsync($"{tenant.Path}/agents")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetPathAsync($"{tenant.Path}/agents")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetPathAsync($"{tenant.Path}/agents")).StatusCode);
        var key = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/keys", new { name = "ci", roles = new[] { "submitter" } }), HttpStatusCode.Created);
        var keyId = key["id"]!.GetValue<string>();
        await Expect.OkAsync(await tenant.Http.GetPathAsync($"{tenant.Path}/keys"));
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeletePathAsync($"{tenant.Path}/keys/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.Http.PostTextAsync($"{tenant.Path}/tasks", "{\"type\": 5}")).StatusCode);
        await tenant.Http.GetPathAsync($"{tenant.Path}/agents");

        var entries = await EntriesAsync($"/v1/audit/entries?tenant={tenant.Tenant}&limit=1000");

        Assert.Contains(entries, e => Is(e, "task.create", "success") && (string?)e["resource"]!["id"] == taskId && (string?)e["classification"] == "confidential");
        Assert.Contains(entries, e => Is(e, "task.read", "success") && (string?)e["resource"]!["id"] == taskId);
        Assert.Contains(entries, e => Is(e, "task.list", "success"));
        Assert.Contains(entries, e => Is(e, "agent.list", "denied") && (string?)e["reason"] == "unauthenticated" && (string?)e["details"]!["credential"] == "rejected" && (string?)e["actor"]!["type"] == "anonymous");
        Assert.Contains(entries, e => Is(e, "agent.list", "denied") && (string?)e["details"]!["credential"] == "missing");
        Assert.Contains(entries, e => Is(e, "task.create", "denied") && (string?)e["reason"] == "forbidden" && (string?)e["actor"]!["type"] == "api_key");
        Assert.Contains(entries, e => Is(e, "agent.list", "denied") && (string?)e["reason"] == "tenant_not_visible");
        Assert.Contains(entries, e => Is(e, "key.create", "success") && (string?)e["resource"]!["id"] == keyId && (string?)e["classification"] == "restricted");
        Assert.Contains(entries, e => Is(e, "key.list", "success"));
        Assert.Contains(entries, e => Is(e, "key.delete", "success") && (string?)e["resource"]!["id"] == keyId);
        Assert.Contains(entries, e => Is(e, "task.create", "failed") && (string?)e["reason"] == "status_400");
        Assert.DoesNotContain(entries, e => Is(e, "agent.list", "success"));
        Assert.All(entries, e => Assert.False(string.IsNullOrEmpty((string?)e["requestId"])));
        Assert.All(entries, e => Assert.Equal("127.0.0.1", (string?)e["actor"]!["ip"]));
    }

    [Fact]
    public async Task AuditQuery_Itself_IsAudited()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var auditor = await tenant.ClientAsync(["auditor"]);

        await Expect.OkAsync(await auditor.GetPathAsync($"{tenant.Path}/audit/entries?action=task.create"));
        var entries = await EntriesAsync($"/v1/audit/entries?tenant={tenant.Tenant}&action=audit.query");

        var query = Assert.Single(entries);
        Assert.Equal("success", (string?)query["outcome"]);
        Assert.Equal("task.create", (string?)query["details"]!["query.action"]);
    }

    [Fact]
    public async Task Entries_Secrets_NeverAppear()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var created = await Expect.OkAsync(await tenant.Http.PostJsonAsync($"{tenant.Path}/keys", new { name = "secret-holder", roles = new[] { "viewer" } }), HttpStatusCode.Created);
        var secret = created["key"]!.GetValue<string>();
        using var holder = node.Client(secret);
        await holder.GetPathAsync($"{tenant.Path}/tasks?access_token=hunter2-token-value&apiKey=hunter3-key-value");
        using var wrong = node.Client(secret + "x");
        await wrong.GetPathAsync($"{tenant.Path}/tasks");

        var export = await (await node.Admin.GetPathAsync("/v1/audit/export")).Content.ReadAsStringAsync(Ct);

        Assert.DoesNotContain(secret, export, StringComparison.Ordinal);
        Assert.DoesNotContain(node.AdminKey, export, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", export, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter3", export, StringComparison.Ordinal);
        Assert.Contains("\"query.access_token\":\"[redacted]\"", export, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Node_ReportsEveryChainIntact()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await tenant.SubmitAsync();

        var result = await Expect.OkAsync(await node.Admin.GetPathAsync("/v1/audit/verify"));

        Assert.True(result["intact"]!.GetValue<bool>());
        var chain = Assert.Single(result["chains"]!.AsArray())!;
        Assert.True(chain["entriesChecked"]!.GetValue<long>() > 0);
        Assert.Null(chain["cause"]);
        Assert.Equal(Convert.ToBase64String(SigningKeyFile.ReadPublicKey(Path.Combine(node.DataPath, SigningKeyFile.DefaultName))!), (string?)result["publicKey"]);
    }

    [Fact]
    public async Task TenantExport_VerifiedOffline_EveryEntryProvenInTheSignedTree()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var auditor = await tenant.ClientAsync(["auditor"]);
        for (var i = 0; i < 5; i++)
        {
            await tenant.SubmitAsync();
        }

        var lines = (await (await auditor.GetPathAsync($"{tenant.Path}/audit/export")).Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var publicKey = SigningKeyFile.ReadPublicKey(Path.Combine(node.DataPath, SigningKeyFile.DefaultName));

        var result = ExportVerifier.Verify(lines, publicKey);

        Assert.True(result.Intact, result.Detail);
        Assert.True(result.EntriesChecked >= 7);
        Assert.Equal(result.EntriesChecked, result.ProofsChecked);
        Assert.All(lines.Skip(2).Select(static l => JsonNode.Parse(l)!["entry"]!), e => Assert.Equal(tenant.Tenant, (string?)e["tenant"]));

        var index = Array.FindIndex(lines, static l => l.Contains("\"task.create\"", StringComparison.Ordinal));
        var tampered = lines.ToArray();
        tampered[index] = tampered[index].Replace("\"success\"", "\"denied\"", StringComparison.Ordinal);
        var broken = ExportVerifier.Verify(tampered, publicKey);
        Assert.Equal(AuditBreak.ContentChanged, broken.Cause);
        Assert.Equal(JsonNode.Parse(lines[index])!["entry"]!["sequence"]!.GetValue<long>(), broken.BrokenAt);
    }

    [Fact]
    public async Task TenantAudit_OtherTenantsEntries_AreNotVisible()
    {
        var first = await TenantClient.CreateAsync(node);
        var second = await TenantClient.CreateAsync(node);
        await second.SubmitAsync();
        using var auditor = await first.ClientAsync(["auditor"]);

        var page = await Expect.OkAsync(await auditor.GetPathAsync($"{first.Path}/audit/entries?limit=1000"));

        Assert.All(page["items"]!.AsArray(), e => Assert.Equal(first.Tenant, (string?)e!["tenant"]));
        Assert.Equal(HttpStatusCode.NotFound, (await auditor.GetPathAsync($"{second.Path}/audit/entries")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetPathAsync("/v1/audit/entries")).StatusCode);
    }

    [Fact]
    public async Task Query_Cursor_PagesThroughEveryEntryOnce()
    {
        var tenant = await TenantClient.CreateAsync(node);
        for (var i = 0; i < 7; i++)
        {
            await tenant.SubmitAsync();
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Expect.OkAsync(await node.Admin.GetPathAsync($"/v1/audit/entries?tenant={tenant.Tenant}&action=task.create&limit=3{(cursor is null ? "" : "&cursor=" + cursor)}"));
            seen.AddRange(page["items"]!.AsArray().Select(static e => $"{e!["chain"]}/{e["sequence"]}"));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);

        Assert.Equal(7, seen.Count);
        Assert.Equal(7, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("outcome=maybe", "outcome")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("from=yesterday", "from")]
    public async Task Query_BadFilter_Answers400NamingTheField(string query, string field)
    {
        var response = await node.Admin.GetPathAsync($"/v1/audit/entries?{query}");

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]![field]);
    }

    [Theory]
    [InlineData("from=0")]
    [InlineData("from=5&to=2")]
    public async Task Verify_BadRange_Answers400(string query)
    {
        var response = await node.Admin.GetPathAsync($"/v1/audit/verify?{query}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public void SigningKey_FirstStart_IsCreatedOwnerOnly()
    {
        var path = Path.Combine(node.DataPath, SigningKeyFile.DefaultName);

        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    private static bool Is(JsonNode e, string action, string outcome) => (string?)e["action"] == action && (string?)e["outcome"] == outcome;

    private async Task<List<JsonNode>> EntriesAsync(string path)
    {
        var page = await Expect.OkAsync(await node.Admin.GetPathAsync(path));
        return [.. page["items"]!.AsArray().Select(static e => e!)];
    }
}

public class AuditReportTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Report_Tenant_CountsAccessListsDenialsAndAdminChangesAndVerifies()
    {
        var tenant = await TenantClient.CreateAsync(node);
        using var viewer = await tenant.ClientAsync(["viewer"]);
        using var auditor = await tenant.ClientAsync(["auditor"]);
        var task = await tenant.SubmitAsync();
        await tenant.TaskAsync(task["id"]!.GetValue<string>());
        await viewer.PostJsonAsync($"{tenant.Path}/tasks", new { type = "work" });

        var report = await Expect.OkAsync(await auditor.GetPathAsync($"{tenant.Path}/audit/report"));
        var markdown = await (await auditor.GetPathAsync($"{tenant.Path}/audit/report?format=markdown")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var html = await auditor.GetPathAsync($"{tenant.Path}/audit/report?format=html");

        Assert.True(report["verification"]!["intact"]!.GetValue<bool>());
        Assert.Equal(1, report["denialsByReason"]!["forbidden"]!.GetValue<long>());
        Assert.Contains(report["access"]!.AsArray(), a => (string?)a!["resourceType"] == "task" && a["reads"]!.GetValue<long>() == 1 && a["writes"]!.GetValue<long>() == 1);
        Assert.Contains(report["adminChanges"]!.AsArray(), e => (string?)e!["action"] == "key.create");
        Assert.All(report["adminChanges"]!.AsArray(), e => Assert.Equal(tenant.Tenant, (string?)e!["tenant"]));
        Assert.Contains("## Chain verification", markdown, StringComparison.Ordinal);
        Assert.Contains("| forbidden |", markdown, StringComparison.Ordinal);
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Report_BadFormat_Answers400NamingTheField()
    {
        var response = await node.Admin.GetPathAsync("/v1/audit/report?format=pdf");

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]!["format"]);
    }
}

public class AuditConsistencyTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Consistency_TwoCheckpoints_ProofVerifiesAgainstBothSignedRoots()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await node.Admin.GetPathAsync("/v1/audit/export?action=none");
        await tenant.SubmitAsync();
        await tenant.SubmitAsync();
        await node.Admin.GetPathAsync("/v1/audit/export?action=none");
        var verify = await Expect.OkAsync(await node.Admin.GetPathAsync("/v1/audit/verify"));
        var chain = (string)verify["chains"]![0]!["chain"]!;
        var publicKey = Convert.FromBase64String((string)verify["publicKey"]!);
        var lines = (await (await node.Admin.GetPathAsync("/v1/audit/export")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var second = AuditJson.ReadCheckpoint(System.Text.Json.JsonDocument.Parse(lines[1]).RootElement.GetProperty("checkpoint")).TreeSize;
        var sizes = await CheckpointSizesAsync(chain, second);

        var answer = await Expect.OkAsync(await node.Admin.GetPathAsync($"/v1/audit/consistency?chain={chain}&first={sizes[0]}&second={second}"));

        var first = AuditJson.ReadCheckpoint(System.Text.Json.JsonDocument.Parse(answer["first"]!.ToJsonString()).RootElement);
        var last = AuditJson.ReadCheckpoint(System.Text.Json.JsonDocument.Parse(answer["second"]!.ToJsonString()).RootElement);
        var proof = answer["proof"]!.AsArray().Select(static h => Convert.FromHexString((string)h!)).ToList();
        Assert.True(CheckpointSigner.Verify(publicKey, first));
        Assert.True(CheckpointSigner.Verify(publicKey, last));
        Assert.True(first.TreeSize < last.TreeSize);
        Assert.True(MerkleTree.VerifyConsistency(first.TreeSize, last.TreeSize, first.RootHash, last.RootHash, proof));
    }

    [Theory]
    [InlineData("first=1&second=2", "chain")]
    [InlineData("chain=nowhere&first=1&second=2", "first")]
    public async Task Consistency_BadParameters_Answers400NamingTheField(string query, string field)
    {
        var response = await node.Admin.GetPathAsync($"/v1/audit/consistency?{query}");

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]![field]);
    }

    private async Task<List<long>> CheckpointSizesAsync(string chain, long below)
    {
        var path = Path.Combine(node.DataPath, "audit.db");
        await using var store = AgentMesh.Sqlite.Audit.SqliteAuditStore.OpenReadOnly(path);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return [.. (await store.ReadCheckpointsAsync(chain, TestContext.Current.CancellationToken)).Select(static c => c.TreeSize).Where(s => s < below)];
    }
}
