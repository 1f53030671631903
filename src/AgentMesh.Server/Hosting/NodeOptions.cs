namespace AgentMesh.Server.Hosting;

/// <summary>Node settings, bound from <c>AgentMesh:Node</c>.</summary>
public sealed class NodeOptions
{
    public const string Section = "AgentMesh:Node";

    /// <summary>The address the node listens on unless <c>--urls</c> says otherwise. Default <c>http://127.0.0.1:5080</c>.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Folder for the embedded database and <c>admin.key</c>. Default <c>./data</c>.</summary>
    public string DataPath { get; set; } = "./data";

    /// <summary>Largest request body in bytes. Default 16 MiB (a batch of tasks; each input is limited separately).</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Create and print a bootstrap admin key on first start. Default true.</summary>
    public bool CreateBootstrapKey { get; set; } = true;
}
