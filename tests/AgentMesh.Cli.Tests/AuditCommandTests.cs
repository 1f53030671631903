using AgentMesh.Audit;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Cli.Tests;

[Collection(SharedNode.Name)]
public sealed class AuditCommandTests(CliNode node)
{
    [Fact]
    public async Task Verify_Node_PrintsEveryChainIntact()
    {
        await node.TenantAsync();

        var result = await Cli.RunAsync(node.Connect("audit", "verify"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("intact", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erase_Subject_ItsEntriesReadErasedAndTheLogStillVerifies()
    {
        var tenant = await node.TenantAsync();
        var key = await node.Admin.CreateKeyAsync(tenant, new AgentMesh.Client.ApiKeyCreation { Name = "leaver", Roles = ["viewer"] }, TestContext.Current.CancellationToken);
        var denied = await Cli.RunAsync("audit", "query", "--url", node.Url, "--key", key.Key!);

        var erase = await Cli.RunAsync(node.Connect("audit", "erase", "--subject", key.Id));
        var query = await Cli.RunAsync(node.Connect("audit", "query", "--actor", key.Id, "--json"));
        var verify = await Cli.RunAsync(node.Connect("audit", "verify"));

        Assert.NotEqual(0, denied.ExitCode);
        Assert.Equal(0, erase.ExitCode);
        Assert.Contains("Erased subject", erase.Out, StringComparison.Ordinal);
        var entry = Assert.Single(query.Json().GetProperty("items").EnumerateArray());
        Assert.Equal("denied", entry.GetProperty("outcome").GetString());
        Assert.Equal(AuditSubjects.Erased, entry.GetProperty("actor").GetProperty("id").GetString());
        Assert.DoesNotContain(key.Id, query.Out, StringComparison.Ordinal);
        Assert.Equal(0, verify.ExitCode);
    }

    [Fact]
    public async Task VerifyOffline_DataFolder_ReadsAuditDbWithTheKeyFile()
    {
        await node.TenantAsync();
        await Cli.RunAsync(node.Connect("audit", "query", "--limit", "1"));

        var result = await Cli.RunAsync("audit", "verify", "--offline", "--data", node.DataPath, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Json().GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task VerifyOffline_TamperedCopy_NamesTheSequenceAndExitsOne()
    {
        var tenant = await node.TenantAsync();
        var query = await Cli.RunAsync(node.Connect("audit", "query", "--action", "tenant.create", "--json"));
        var sequence = query.Json().GetProperty("items").EnumerateArray().Single(e => e.GetProperty("resource").GetProperty("id").GetString() == tenant).GetProperty("sequence").GetInt64();
        var copy = Path.Combine(Path.GetTempPath(), "agentmesh-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        try
        {
            using (var source = new SqliteConnection($"Data Source={Path.Combine(node.DataPath, "audit.db")};Mode=ReadOnly;Pooling=False"))
            using (var target = new SqliteConnection($"Data Source={Path.Combine(copy, "audit.db")};Pooling=False"))
            {
                source.Open();
                target.Open();
                source.BackupDatabase(target);
                using var tamper = target.CreateCommand();
                tamper.CommandText = $"DROP TRIGGER audit_entries_no_update; UPDATE audit_entries SET actor_id = 'someone-else' WHERE seq = {sequence}";
                tamper.ExecuteNonQuery();
            }

            File.Copy(Path.Combine(node.DataPath, SigningKeyFile.DefaultName + ".pub"), Path.Combine(copy, SigningKeyFile.DefaultName + ".pub"));

            var result = await Cli.RunAsync("audit", "verify", "--offline", "--data", copy);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"BROKEN at sequence {sequence}: content_changed", result.Out, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task Export_ThenVerifyExport_IntactUntilALineIsChanged()
    {
        var tenant = await node.TenantAsync();
        var file = Path.Combine(node.DataPath, $"export-{Guid.NewGuid():N}.jsonl");
        var publicKey = (await File.ReadAllTextAsync(Path.Combine(node.DataPath, SigningKeyFile.DefaultName + ".pub"), TestContext.Current.CancellationToken)).Trim();
        await Cli.RunAsync(node.Connect("key", "create", "--tenant", tenant, "--name", "a", "--role", "viewer"));

        var exported = await Cli.RunAsync(node.Connect("audit", "export", "--tenant", tenant, "--out", file));
        var verified = await Cli.RunAsync("audit", "verify", "--export", file, "--public-key", publicKey);
        var lines = await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken);
        var index = Array.FindIndex(lines, static l => l.Contains("\"key.create\"", StringComparison.Ordinal));
        lines[index] = lines[index].Replace("\"key.create\"", "\"key.list\"", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(file, lines, TestContext.Current.CancellationToken);
        var tampered = await Cli.RunAsync("audit", "verify", "--export", file, "--public-key", publicKey);

        Assert.Equal(0, exported.ExitCode);
        Assert.Equal(0, verified.ExitCode);
        Assert.StartsWith("intact:", verified.Out, StringComparison.Ordinal);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("content_changed", tampered.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_Filters_PrintsMatchingEntries()
    {
        var tenant = await node.TenantAsync();

        var result = await Cli.RunAsync(node.Connect("audit", "query", "--action", "tenant.create", "--json"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.Json().GetProperty("items").EnumerateArray(), e => e.GetProperty("resource").GetProperty("id").GetString() == tenant);
    }

    [Fact]
    public async Task Report_Tenant_WritesMarkdownWithVerificationAndAdminChanges()
    {
        var tenant = await node.TenantAsync();
        await Cli.RunAsync(node.Connect("key", "create", "--tenant", tenant, "--name", "a", "--role", "viewer"));

        var markdown = await Cli.RunAsync(node.Connect("audit", "report", "--tenant", tenant));
        var json = await Cli.RunAsync(node.Connect("audit", "report", "--tenant", tenant, "--json"));

        Assert.Equal(0, markdown.ExitCode);
        Assert.Contains("## Administrative changes", markdown.Out, StringComparison.Ordinal);
        Assert.Contains("key.create", markdown.Out, StringComparison.Ordinal);
        Assert.True(json.Json().GetProperty("verification").GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task Query_BadOutcome_ExitsOneNamingTheField()
    {
        var result = await Cli.RunAsync(node.Connect("audit", "query", "--outcome", "maybe"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("outcome", result.Error, StringComparison.Ordinal);
    }
}
