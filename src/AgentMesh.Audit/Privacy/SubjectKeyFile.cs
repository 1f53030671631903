using System.Security.Cryptography;

namespace AgentMesh.Audit;

/// <summary>
/// The audit subject master key on disk: base64 of 32 random bytes in one line, mode 0600, created on first use. It
/// wraps every subject's key and keys the subject lookup HMAC; nodes sharing one audit store need the same one.
/// </summary>
public static class SubjectKeyFile
{
    public const string DefaultName = "audit-subjects.key";

    public const int KeySize = 32;

    public static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return Parse(File.ReadAllText(path), path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(KeySize);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new StreamWriter(path, options))
        {
            file.WriteLine(Convert.ToBase64String(key));
        }

        return key;
    }

    /// <summary>The key in <paramref name="text"/> (base64 of 32 bytes); <paramref name="source"/> names the setting or file in errors.</summary>
    public static byte[] Parse(string text, string source)
    {
        try
        {
            var key = Convert.FromBase64String(text.Trim());
            if (key.Length == KeySize)
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidOperationException($"{source} must hold the base64 of a {KeySize}-byte key.");
    }
}
