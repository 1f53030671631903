using AgentMesh.Protection;

namespace AgentMesh.Server.Security;

/// <summary>
/// Encryption at rest of task input and output, bound from <c>AgentMesh:Encryption</c>. Keys come from <see cref="Keys"/>, or
/// from <see cref="KeyFile"/>, or else from <c>encryption.keys</c> in the data folder, which a node creates (mode 0600) on
/// its first start. There is no key in code.
/// </summary>
public sealed class EncryptionOptions
{
    public const string Section = "AgentMesh:Encryption";

    /// <summary>Whether task input and output are encrypted. Default true. Turning it off writes clear text; encrypted data then cannot be read.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Keys by id, each the base64 of 32 random bytes (<c>AgentMesh:Encryption:Keys:{id}</c>). Default none.</summary>
    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>Which of <see cref="Keys"/> new data is written with; required when there is more than one. Default none.</summary>
    public string? CurrentKey { get; set; }

    /// <summary>A key file (see <see cref="PayloadKeyFile"/>) instead of <see cref="Keys"/>; it must exist. Default <c>{data}/encryption.keys</c>, created if missing.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The key file this node reads, given its data folder; <see langword="null"/> when keys come from configuration.</summary>
    public string? KeyFilePath(string dataPath) =>
        Keys.Count > 0 ? null : Path.GetFullPath(string.IsNullOrEmpty(KeyFile) ? Path.Combine(dataPath, PayloadKeyFile.DefaultName) : KeyFile);

    /// <summary>
    /// The protector these settings describe. Creates the default key file when neither keys nor a key file are configured,
    /// unless <paramref name="sharedStore"/>: nodes of a cluster must all read with the same keys, so there they are required.
    /// </summary>
    /// <exception cref="InvalidOperationException">The settings or the key file are unusable; the message names the setting.</exception>
    public IPayloadProtector CreateProtector(string dataPath, bool sharedStore = false)
    {
        if (!Enabled)
        {
            return new PlaintextPayloads($"{Section}:Enabled is false");
        }

        if (Keys.Count > 0)
        {
            if (!string.IsNullOrEmpty(KeyFile))
            {
                throw new InvalidOperationException($"{Section}:Keys and {Section}:KeyFile are exclusive; set one.");
            }

            return new AesGcmPayloadProtector(ConfiguredKeyring());
        }

        if (sharedStore && string.IsNullOrEmpty(KeyFile))
        {
            throw new InvalidOperationException(
                $"Every node of a cluster must encrypt with the same keys: set {Section}:KeyFile to the same key file on every node "
                + $"(create one with 'agentmesh keys rotate --data <folder>') or {Section}:Keys, or set {Section}:Enabled to false.");
        }

        var path = KeyFilePath(dataPath)!;
        if (string.IsNullOrEmpty(KeyFile) && !File.Exists(path))
        {
            PayloadKeyFile.AddKey(path);
        }

        return new AesGcmPayloadProtector(PayloadKeyFile.Read(path, $"{Section}:KeyFile"));
    }

    private PayloadKeyring ConfiguredKeyring()
    {
        var source = $"{Section}:Keys";
        var keys = new List<KeyValuePair<string, byte[]>>();
        foreach (var (id, text) in Keys)
        {
            try
            {
                keys.Add(new(id, Convert.FromBase64String(text)));
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{source}:{id} is not base64.");
            }
        }

        string current;
        if (!string.IsNullOrEmpty(CurrentKey))
        {
            current = CurrentKey;
        }
        else if (keys.Count == 1)
        {
            current = keys[0].Key;
        }
        else
        {
            throw new InvalidOperationException($"{Section}:CurrentKey is required when {source} holds more than one key.");
        }

        return new PayloadKeyring(keys, current, source);
    }
}
