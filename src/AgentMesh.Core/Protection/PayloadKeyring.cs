using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace AgentMesh.Protection;

/// <summary>
/// AES-256 keys by id; new data is written with <see cref="CurrentKeyId"/>, data under any key held is read. Rotation adds a
/// key and makes it current; old keys stay until re-encryption has moved every value off them.
/// </summary>
public sealed partial class PayloadKeyring
{
    /// <summary>The length of every key: 256 bits.</summary>
    public const int KeyBytes = 32;

    private readonly Dictionary<string, byte[]> _keys;

    /// <param name="keys">The keys by id.</param>
    /// <param name="currentKeyId">The id new data is written with; one of <paramref name="keys"/>.</param>
    /// <param name="source">Where the keys came from (a setting or a file), named in errors.</param>
    public PayloadKeyring(IEnumerable<KeyValuePair<string, byte[]>> keys, string currentKeyId, string source)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Source = source;
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, key) in keys)
        {
            if (!IsValidKeyId(id))
            {
                throw new InvalidOperationException($"{source}: key id '{id}' must be 1-64 letters, digits, '.', '_' or '-'.");
            }

            if (key.Length != KeyBytes)
            {
                throw new InvalidOperationException($"{source}: key '{id}' must be {KeyBytes} bytes (base64 of 256 random bits), not {key.Length}.");
            }

            if (!_keys.TryAdd(id, key))
            {
                throw new InvalidOperationException($"{source}: key id '{id}' appears twice.");
            }
        }

        if (_keys.Count == 0)
        {
            throw new InvalidOperationException($"{source} holds no key.");
        }

        if (!_keys.ContainsKey(currentKeyId))
        {
            throw new InvalidOperationException($"{source}: the current key '{currentKeyId}' is not among the keys.");
        }

        CurrentKeyId = currentKeyId;
    }

    /// <summary>The key new data is written with.</summary>
    public string CurrentKeyId { get; }

    /// <summary>Where the keys came from, for errors.</summary>
    public string Source { get; }

    /// <summary>Every key id held.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>256 random bits.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyBytes);

    /// <summary>A fresh, practically unique key id, so a lost and regenerated key file never reuses an id of old data.</summary>
    public static string NewKeyId() => "k-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>Whether <paramref name="id"/> may name a key: 1-64 of letters, digits, '.', '_', '-' (never the format's ':').</summary>
    public static bool IsValidKeyId(string id) => KeyIdPattern().IsMatch(id);

    internal bool TryGetKey(string id, out byte[] key) => _keys.TryGetValue(id, out key!);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyIdPattern();
}
