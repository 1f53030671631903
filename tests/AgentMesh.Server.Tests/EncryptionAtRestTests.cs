using System.Net;
using AgentMesh.Protection;
using AgentMesh.Server.Hosting;

namespace AgentMesh.Server.Tests;

public sealed class EncryptionAtRestTests : IAsyncLifetime
{
    private readonly NodeFixture _node = new();

    public ValueTask InitializeAsync() => _node.InitializeAsync();

    [Fact]
    public void FirstStart_CreatesAKeyFileReadableOnlyByItsOwner()
    {
        var path = Path.Combine(_node.DataPath, PayloadKeyFile.DefaultName);

        Assert.True(File.Exists(path));
        Assert.Single(PayloadKeyFile.Read(path, "test").KeyIds);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task CompletedTask_DatabaseFilesHoldNeitherInputNorOutput_ButTheApiReturnsBoth()
    {
        var tenant = await TenantClient.CreateAsync(_node);
        await tenant.ConnectAsync("agent-1");
        var submitted = await tenant.SubmitAsync(new { type = "work", input = new { secret = "Quillon Marrowgate 66120" } });
        var assignment = await tenant.TakeAsync("agent-1");
        Assert.Equal(HttpStatusCode.OK, (await tenant.CompleteAsync(assignment, new { verdict = "Pelargonium 80917" })).StatusCode);

        var read = await tenant.TaskAsync((string)submitted["id"]!);
        await _node.RestartAsync();
        var reread = await Expect.OkAsync(await _node.Admin.GetPathAsync($"{tenant.Path}/tasks/{submitted["id"]}"));

        Assert.Equal("Quillon Marrowgate 66120", (string)read["input"]!["secret"]!);
        Assert.Equal("Pelargonium 80917", (string)reread["output"]!["verdict"]!);
        foreach (var file in Directory.GetFiles(_node.DataPath, "agentmesh.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
            Assert.Equal(-1, bytes.AsSpan().IndexOf("Quillon"u8));
            Assert.Equal(-1, bytes.AsSpan().IndexOf("Pelargonium"u8));
        }
    }

    [Fact]
    public async Task Start_KeysOfStoredTasksMissingFromConfiguration_FailsNamingTheSetting()
    {
        var tenant = await TenantClient.CreateAsync(_node);
        await tenant.SubmitAsync();
        var data = _node.DataPath;
        await using var app = AgentMeshNode.Build(
        [
            "--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data, "--AgentMesh:Sqlite:Path", Path.Combine(data, "agentmesh.db"),
            "--AgentMesh:Encryption:Keys:other", Convert.ToBase64String(PayloadKeyring.NewKey()),
        ]);

        // A second node on the same folder: the first still runs, so only the start is exercised, never a write.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("AgentMesh:Encryption:Keys", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--AgentMesh:Encryption:Keys:k1", "c2hvcnQ=", "AgentMesh:Encryption:Keys")]
    [InlineData("--AgentMesh:Encryption:Keys:k1", "not base64!", "AgentMesh:Encryption:Keys:k1")]
    [InlineData("--AgentMesh:Encryption:KeyFile", "/nonexistent/agentmesh.keys", "AgentMesh:Encryption:KeyFile")]
    public async Task Start_UnusableKeySettings_FailsNamingTheSetting(string setting, string value, string named)
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        await using var app = AgentMeshNode.Build(["--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data, setting, value]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Start_ClusterNodeWithoutSharedKeys_FailsNamingTheSetting()
    {
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        await using var app = AgentMeshNode.Build(
            ["--urls", "http://127.0.0.1:0", "--AgentMesh:Node:DataPath", data, "--AgentMesh:Store", "postgres", "--ConnectionStrings:Postgres", "Host=127.0.0.1;Port=1"]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("AgentMesh:Encryption:KeyFile", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, "encryption.keys")));
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
