using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentMesh.Audit;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Server.Tests;

public class AuditErasureTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Erase_Subject_FieldsReadErasedEverywhereOthersReadableAndTheLogStillVerifies()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var (aliceId, alice) = await KeyAsync(tenant, "alice");
        var (bobId, bob) = await KeyAsync(tenant, "bob");
        using (alice)
        using (bob)
        {
            alice.DefaultRequestHeaders.UserAgent.ParseAdd("alice-browser/7.1");
            await Expect.OkAsync(await alice.GetPathAsync($"{tenant.Path}/tasks?owner=alice.personal@example.com"));
            await Expect.OkAsync(await bob.GetPathAsync($"{tenant.Path}/tasks?owner=bob.personal@example.com"));
        }

        var before = await EntriesAsync($"/v1/audit/entries?tenant={tenant.Tenant}&actor={aliceId}");
        var erasure = await Expect.OkAsync(await node.Admin.PostAsJsonAsync("/v1/audit/erasures", new { subject = aliceId }, Ct));
        var after = await EntriesAsync($"/v1/audit/entries?tenant={tenant.Tenant}&actor={aliceId}");
        var bobs = await EntriesAsync($"/v1/audit/entries?tenant={tenant.Tenant}&actor={bobId}");
        var verify = await Expect.OkAsync(await node.Admin.GetPathAsync("/v1/audit/verify"));

        var read = Assert.Single(before);
        Assert.Equal(aliceId, (string?)read["actor"]!["id"]);
        Assert.Equal("alice-browser/7.1", (string?)read["actor"]!["userAgent"]);
        Assert.Equal("alice.personal@example.com", (string?)read["details"]!["query.owner"]);
        Assert.True(erasure["erased"]!.GetValue<bool>());
        var erased = Assert.Single(after);
        Assert.Equal((long)read["sequence"]!, (long)erased["sequence"]!);
        Assert.Equal(AuditSubjects.Erased, (string?)erased["actor"]!["id"]);
        Assert.Equal(AuditSubjects.Erased, (string?)erased["actor"]!["ip"]);
        Assert.Equal(AuditSubjects.Erased, (string?)erased["actor"]!["userAgent"]);
        Assert.Equal(AuditSubjects.Erased, (string?)erased["details"]!["query.owner"]);
        Assert.Equal("GET", (string?)erased["details"]!["method"]);
        Assert.Equal("task.list", (string?)erased["action"]);
        var bobRead = Assert.Single(bobs);
        Assert.Equal(bobId, (string?)bobRead["actor"]!["id"]);
        Assert.Equal("bob.personal@example.com", (string?)bobRead["details"]!["query.owner"]);
        Assert.True(verify["intact"]!.GetValue<bool>(), verify.ToJsonString());

        var export = await (await node.Admin.GetPathAsync("/v1/audit/export")).Content.ReadAsStringAsync(Ct);
        var lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var offline = ExportVerifier.Verify(lines, SigningKeyFile.ReadPublicKey(Path.Combine(node.DataPath, SigningKeyFile.DefaultName)));
        Assert.True(offline.Intact, offline.Detail);
        Assert.DoesNotContain("alice.personal@example.com", export, StringComparison.Ordinal);
        Assert.DoesNotContain("alice-browser", export, StringComparison.Ordinal);
        Assert.Contains("bob.personal@example.com", export, StringComparison.Ordinal);

        var report = await Expect.OkAsync(await node.Admin.GetPathAsync($"/v1/audit/report?tenant={tenant.Tenant}&format=json"));
        Assert.DoesNotContain(report["access"]!.AsArray(), a => (string?)a!["actorId"] == aliceId);
        Assert.Contains(report["access"]!.AsArray(), a => (string?)a!["actorId"] == AuditSubjects.Erased);
        Assert.Contains(report["access"]!.AsArray(), a => (string?)a!["actorId"] == bobId);
    }

    [Fact]
    public async Task Erase_IsItselfAuditedByTagWithoutTheSubject()
    {
        var subject = "erase-me-" + Guid.NewGuid().ToString("N");

        var erasure = await Expect.OkAsync(await node.Admin.PostAsJsonAsync("/v1/audit/erasures", new { subject }, Ct));
        var entries = await EntriesAsync($"/v1/audit/entries?action=audit.erase&resourceId={(string?)erasure["subjectTag"]}");

        Assert.False(erasure["erased"]!.GetValue<bool>());
        var entry = Assert.Single(entries);
        Assert.Equal("success", (string?)entry["outcome"]);
        Assert.Equal("subject", (string?)entry["resource"]!["type"]);
        Assert.Equal("restricted", (string?)entry["classification"]);
        Assert.DoesNotContain(subject, entry.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stored_Rows_HoldNoPersonalFieldInClear()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var (keyId, client) = await KeyAsync(tenant, "carol");
        using (client)
        {
            client.DefaultRequestHeaders.UserAgent.ParseAdd("carol-agent/3.3");
            await Expect.OkAsync(await client.GetPathAsync($"{tenant.Path}/tasks?owner=carol.personal@example.com"));
        }

        await EntriesAsync($"/v1/audit/entries?tenant={tenant.Tenant}&actor={keyId}");

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(node.DataPath, "audit.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await using (connection)
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT actor_id, actor_ip, actor_user_agent, details FROM audit_entries";
            await using var reader = await command.ExecuteReaderAsync(Ct);
            var rows = 0;
            while (await reader.ReadAsync(Ct))
            {
                rows++;
                for (var i = 0; i < 3; i++)
                {
                    Assert.True(reader.IsDBNull(i) || AuditSubjects.IsSealed(reader.GetString(i)), reader.IsDBNull(i) ? null : reader.GetString(i));
                }

                var details = reader.GetString(3);
                Assert.DoesNotContain("127.0.0.1", details, StringComparison.Ordinal);
                Assert.DoesNotContain("personal@example.com", details, StringComparison.Ordinal);
            }

            Assert.True(rows > 3);
        }

        foreach (var file in Directory.GetFiles(node.DataPath, "audit.db*"))
        {
            var bytes = await ReadSharedAsync(file);
            Assert.Equal(-1, bytes.AsSpan().IndexOf("carol.personal@example.com"u8));
            Assert.Equal(-1, bytes.AsSpan().IndexOf("carol-agent/3.3"u8));
        }
    }

    [Fact]
    public async Task Erase_BadBody_AnswersProblemNamingTheField()
    {
        var missing = await node.Admin.PostAsJsonAsync("/v1/audit/erasures", new { subject = "" }, Ct);
        var tooLong = await node.Admin.PostAsJsonAsync("/v1/audit/erasures", new { subject = new string('x', 300) }, Ct);
        var wrongType = await node.Admin.PostAsync("/v1/audit/erasures", NodeFixture.Json("{\"subject\": 5}"), Ct);
        var tenant = await TenantClient.CreateAsync(node);
        using var auditor = await tenant.ClientAsync(["auditor"]);
        var forbidden = await auditor.PostAsJsonAsync("/v1/audit/erasures", new { subject = "x" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("subject", await missing.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains("subject", await wrongType.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await file.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }

    private async Task<(string Id, HttpClient Client)> KeyAsync(TenantClient tenant, string name)
    {
        var created = await Expect.OkAsync(await node.Admin.PostAsJsonAsync($"{tenant.Path}/keys", new { name, roles = new[] { "viewer" } }, Ct), HttpStatusCode.Created);
        return (created["id"]!.GetValue<string>(), node.Client(created["key"]!.GetValue<string>()));
    }

    private async Task<List<JsonObject>> EntriesAsync(string path)
    {
        var page = await Expect.OkAsync(await node.Admin.GetPathAsync(path));
        return [.. page["items"]!.AsArray().Select(static e => e!.AsObject())];
    }
}
