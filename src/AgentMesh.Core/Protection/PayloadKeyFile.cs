namespace AgentMesh.Protection;

/// <summary>
/// A key file: one <c>{id} {base64 key}</c> per line, <c>#</c> comments; the last key is the current one. Written with
/// mode 0600; rotation appends a line.
/// </summary>
public static class PayloadKeyFile
{
    /// <summary>The file an embedded node creates in its data folder when no keys are configured.</summary>
    public const string DefaultName = "encryption.keys";

    private const string Header = "# AgentMesh encryption keys for task input and output. One \"<id> <base64 key>\" a line; the last is used for new data.\n# Keep every key until `agentmesh keys reencrypt` has moved all data to the newest. Losing a key loses the data under it.\n";

    /// <summary>Reads the keyring in <paramref name="path"/>.</summary>
    /// <param name="path">The key file.</param>
    /// <param name="setting">The setting that names the file, for errors.</param>
    public static PayloadKeyring Read(string path, string setting)
    {
        var source = $"the key file {path} ({setting})";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{setting}: the key file {path} does not exist.");
        }

        var keys = new List<KeyValuePair<string, byte[]>>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            byte[] key;
            try
            {
                key = parts.Length == 2 ? Convert.FromBase64String(parts[1]) : throw new FormatException();
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{source}: line {lineNumber} is not \"<id> <base64 key>\".");
            }

            keys.Add(new(parts[0], key));
        }

        return new PayloadKeyring(keys, keys.Count > 0 ? keys[^1].Key : string.Empty, source);
    }

    /// <summary>Appends a new random key to <paramref name="path"/> (creating it, mode 0600, if missing) and returns its id.</summary>
    public static string AddKey(string path)
    {
        var id = PayloadKeyring.NewKeyId();
        var line = $"{id} {Convert.ToBase64String(PayloadKeyring.NewKey())}\n";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write };
        var created = !File.Exists(path);
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new StreamWriter(path, options))
        {
            file.Write(created ? Header + line : line);
        }

        return id;
    }
}
