using System.Security.Cryptography;

namespace AgentMesh.Audit;

/// <summary>
/// The checkpoint signing key on disk: the base64 private seed in one line, mode 0600, created on first use.
/// The public key is written next to it (<c>.pub</c>, base64) so an auditor can take it away.
/// </summary>
public static class SigningKeyFile
{
    public const string DefaultName = "audit-signing.key";

    public static CheckpointSigner LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return new CheckpointSigner(Parse(File.ReadAllText(path), path));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var seed = RandomNumberGenerator.GetBytes(CheckpointSigner.SeedSize);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new StreamWriter(path, options))
        {
            file.WriteLine(Convert.ToBase64String(seed));
        }

        var signer = new CheckpointSigner(seed);
        File.WriteAllText(path + ".pub", Convert.ToBase64String(signer.PublicKey) + Environment.NewLine);
        return signer;
    }

    /// <summary>The public key beside a key file, or derived from the key file itself.</summary>
    public static byte[]? ReadPublicKey(string path)
    {
        if (File.Exists(path + ".pub"))
        {
            return Convert.FromBase64String(File.ReadAllText(path + ".pub").Trim());
        }

        return File.Exists(path) ? new CheckpointSigner(Parse(File.ReadAllText(path), path)).PublicKey : null;
    }

    public static byte[] Parse(string text, string source)
    {
        try
        {
            var seed = Convert.FromBase64String(text.Trim());
            if (seed.Length == CheckpointSigner.SeedSize)
            {
                return seed;
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidOperationException($"{source} must hold a base64 Ed25519 private key of {CheckpointSigner.SeedSize} bytes.");
    }
}
