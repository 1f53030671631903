using System.Globalization;
using AgentMesh.Client;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>Node processes of one cluster on a shared PostgreSQL database, agent processes, and a client that knows every node.</summary>
internal sealed class ClusterUnderTest : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _connectionString;
    private readonly List<ChildProcess> _agents = [];

    private readonly string? _natsUrl;
    private readonly IReadOnlyList<string> _settings;

    private ClusterUnderTest(string connectionString, int nodes, string? natsUrl, IReadOnlyList<string> settings)
    {
        _connectionString = connectionString;
        _natsUrl = natsUrl;
        _settings = settings;
        Urls = [.. Enumerable.Range(0, nodes).Select(static _ => new Uri($"http://127.0.0.1:{Processes.FreePort()}"))];
        Nodes = new ChildProcess?[nodes];
        DataPaths = [.. Enumerable.Range(0, nodes).Select(static _ => Directory.CreateTempSubdirectory("agentmesh-cluster-").FullName)];
        KeyFile = SharedKeyFile();
    }

    /// <summary>The encryption key file every node of the cluster reads.</summary>
    public string KeyFile { get; }

    /// <summary>The audit log's subject master key file every node of the cluster reads.</summary>
    public string AuditSubjectKeyFile { get; } = SharedAuditKeyFile();

    /// <summary>The audit checkpoint signing key file every node of the cluster reads.</summary>
    public string AuditSigningKeyFile { get; } = SharedAuditKeyFile("audit-signing.key");

    /// <summary>A new key file in a folder of its own, as an operator makes one with <c>agentmesh keys rotate</c>.</summary>
    public static string SharedKeyFile()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("agentmesh-keys-").FullName, "encryption.keys");
        AgentMesh.Protection.PayloadKeyFile.AddKey(path);
        return path;
    }

    /// <summary>A new audit key file (32 random bytes, base64: a subject master key or an Ed25519 seed) in a folder of its own.</summary>
    public static string SharedAuditKeyFile(string name = "audit-subjects.key")
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("agentmesh-audit-keys-").FullName, name);
        File.WriteAllText(path, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n");
        return path;
    }

    public IReadOnlyList<Uri> Urls { get; }

    public ChildProcess?[] Nodes { get; }

    public IReadOnlyList<string> DataPaths { get; }

    public string AdminKey { get; private set; } = null!;

    public AgentMeshClient Client { get; private set; } = null!;

    /// <summary>
    /// Starts node 0 first (it takes the lease and writes admin.key), then the others as followers; with
    /// <paramref name="natsUrl"/>, events go to JetStream; <paramref name="settings"/> are added to every node's command line.
    /// </summary>
    public static async Task<ClusterUnderTest> StartAsync(string connectionString, int nodes, string? natsUrl = null, IReadOnlyList<string>? settings = null)
    {
        var cluster = new ClusterUnderTest(connectionString, nodes, natsUrl, settings ?? []);
        await cluster.StartNodeAsync(0);
        cluster.AdminKey = (await File.ReadAllTextAsync(Path.Combine(cluster.DataPaths[0], "admin.key"))).Trim();
        for (var i = 1; i < nodes; i++)
        {
            await cluster.StartNodeAsync(i);
        }

        var options = new AgentMeshClientOptions { BaseAddress = cluster.Urls[0], ApiKey = cluster.AdminKey };
        foreach (var url in cluster.Urls.Skip(1))
        {
            options.FallbackAddresses.Add(url);
        }

        cluster.Client = AgentMeshClient.Create(options);
        return cluster;
    }

    public async Task StartNodeAsync(int index)
    {
        Nodes[index] = Processes.Start(Processes.CliDll,
        [
            "serve", "--store", "postgres", "--postgres", _connectionString, "--data", DataPaths[index], "--urls", Urls[index].ToString().TrimEnd('/'),
            "--AgentMesh:Cluster:LeaseDuration", "00:00:03", "--AgentMesh:Cluster:CheckInterval", "00:00:00.500",
            "--AgentMesh:Engine:RetryBaseDelay", "00:00:00.100", "--AgentMesh:Engine:RetryMaxDelay", "00:00:00.500",
            "--AgentMesh:RateLimits:Enabled", "false", "--AgentMesh:Encryption:KeyFile", KeyFile,
            "--AgentMesh:Audit:SubjectKeyFile", AuditSubjectKeyFile, "--AgentMesh:Audit:SigningKeyFile", AuditSigningKeyFile,
            "--AgentMesh:Audit:Chain", $"node-{index}",
            .. (_natsUrl is null ? (string[])[] : ["--nats", _natsUrl, "--AgentMesh:Nats:RetryMaxDelay", "00:00:01"]),
            .. _settings,
        ]);
        await Nodes[index]!.WaitForLineAsync("AgentMesh node listening", StartTimeout);
    }

    /// <summary>SIGKILL: no shutdown, the lease is left to expire.</summary>
    public void Kill(int index)
    {
        Nodes[index]?.Dispose();
        Nodes[index] = null;
    }

    /// <summary>
    /// A process running <paramref name="agents"/> agents whose first node is <paramref name="primary"/>, the others its
    /// fallbacks; <paramref name="arguments"/> are added to its command line.
    /// </summary>
    public async Task<ChildProcess> AgentsAsync(string tenant, string idPrefix, int agents, int primary, int concurrency, params string[] arguments)
    {
        var order = Urls.Skip(primary).Concat(Urls.Take(primary)).Select(static u => u.ToString().TrimEnd('/'));
        var process = Processes.Start(Processes.EchoAgentDll,
        [
            "--url", string.Join(',', order), "--key", AdminKey, "--tenant", tenant, "--agent-id", idPrefix,
            "--agents", agents.ToString(CultureInfo.InvariantCulture), "--capabilities", "echo:4",
            "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture), "--autonomy", "false",
            .. arguments,
        ]);
        _agents.Add(process);
        await process.WaitForLineAsync(agents == 1 ? $"agent {idPrefix} started" : $"agent {idPrefix}-{agents} started", StartTimeout);
        return process;
    }

    public string AgentOutput => string.Join("\n", _agents.Select(static a => a.Output));

    public string Output => string.Join("\n", Nodes.Select((n, i) => $"--- node {i}\n{n?.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            agent.Dispose();
        }

        foreach (var node in Nodes)
        {
            node?.Dispose();
        }

        Client?.Dispose();
        foreach (var path in DataPaths.Append(Path.GetDirectoryName(KeyFile)!))
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        await Task.CompletedTask;
    }
}
