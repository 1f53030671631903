using System.CommandLine;
using AgentMesh.Cli.Serve;
using AgentMesh.Server.Security;
using Microsoft.Extensions.Configuration;

namespace AgentMesh.Cli.Encryption;

/// <summary>
/// Where the <c>keys</c> commands find the keys: <c>--data</c> (the default key file's folder) and <c>--key-file</c>, which
/// wins over <c>AgentMesh:Encryption:KeyFile</c> from <c>appsettings.json</c>, the environment or <c>--AgentMesh:…</c> tokens.
/// </summary>
internal sealed class KeyArguments
{
    public Option<string> Data { get; } = new("--data") { Description = "The node's data folder.", DefaultValueFactory = static _ => "./data" };

    public Option<string?> KeyFile { get; } = new("--key-file")
    {
        Description = "The key file (same as AgentMesh:Encryption:KeyFile); for a cluster, the one every node reads.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(KeyFile);
    }

    public (EncryptionOptions Options, string DataPath) Settings(ParseResult result)
    {
        var options = new EncryptionOptions();
        NodeSettings.Read(result).GetSection(EncryptionOptions.Section).Bind(options);
        if (result.GetValue(KeyFile) is { Length: > 0 } keyFile)
        {
            options.KeyFile = keyFile;
        }

        return (options, Path.GetFullPath(result.GetValue(Data)!));
    }
}
