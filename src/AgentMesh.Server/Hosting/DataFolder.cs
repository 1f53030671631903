namespace AgentMesh.Server.Hosting;

/// <summary>
/// The node's data folder (<c>AgentMesh:Node:DataPath</c>): the embedded databases, <c>admin.key</c> and, by default,
/// the encryption and audit key files. AgentMesh creates it for the user it runs as alone (mode 0700 on Unix): the
/// databases hold tenants, key hashes, events and the audit log, which other users of the machine have no business
/// reading. A folder that already exists keeps its mode; a node warns at start when others can open it.
/// </summary>
public static class DataFolder
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> for the current user only, unless it exists (missing parents get the usual mode).</summary>
    public static void Create(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnly);
        }
    }

    /// <summary>The folder's mode when users other than its owner may open it (Unix); null otherwise.</summary>
    public static UnixFileMode? OpenToOthers(string path)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(path))
        {
            return null;
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & Others) != 0 ? mode : null;
    }
}
