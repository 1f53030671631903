using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace AgentMesh.Audit;

/// <summary>
/// Crypto-shredding of personal data in the audit log. The subject of an entry is its actor (the actor id, or
/// <c>ip:&lt;address&gt;</c> for an actor without one); the actor id, address, user agent and every detail other than
/// the method, route, status, credential and error are stored sealed with AES-256-GCM under a key of that subject,
/// as <c>amsub1:{tag}:{base64(nonce ‖ tag ‖ ciphertext)}</c>. The chain hash covers the sealed text, so deleting a
/// subject's key (<see cref="EraseAsync"/>) leaves every hash, checkpoint and signature verifying while the fields read as
/// <see cref="Erased"/>. Subject keys are stored wrapped under a key derived from the master key; the tag is a keyed HMAC
/// of the subject id, so entries can be found by actor without the id being stored in clear.
/// </summary>
public sealed class AuditSubjects
{
    /// <summary>What an erased field reads as.</summary>
    public const string Erased = "[erased]";

    /// <summary>What a sealed field reads as when it does not open: altered text, or a subject key wrapped under another master key.</summary>
    public const string Unreadable = "[unreadable]";

    public const string Prefix = "amsub1:";

    private const int TagChars = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int KeyBytes = 32;
    private const int MaxCachedKeys = 10_000;
    private const int AssociatedDataBytes = 256;
    private const int SealedOnStack = 512;

    private static readonly HashSet<string> PlainDetails = new(StringComparer.Ordinal) { "method", "route", "status", "credential", "error" };

    private readonly byte[] _wrapKey;
    private readonly byte[] _lookupKey;
    private readonly ConcurrentDictionary<string, byte[]> _writeKeys = new(StringComparer.Ordinal);

    // Subject → tag: an HMAC per audited request otherwise, and the same few subjects make most requests.
    private readonly ConcurrentDictionary<string, string> _tags = new(StringComparer.Ordinal);

    /// <param name="masterKey">32 bytes (<see cref="SubjectKeyFile"/>): wraps subject keys and keys the lookup HMAC.</param>
    /// <param name="store">Where entries and subject keys are stored.</param>
    public AuditSubjects(byte[] masterKey, IAuditStore store)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        if (masterKey.Length != SubjectKeyFile.KeySize)
        {
            throw new ArgumentException($"The audit subject master key must be {SubjectKeyFile.KeySize} bytes.", nameof(masterKey));
        }

        _wrapKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, KeyBytes, info: "agentmesh-audit-subject-wrap"u8.ToArray());
        _lookupKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, KeyBytes, info: "agentmesh-audit-subject-lookup"u8.ToArray());
        Store = store;
    }

    /// <summary>The store as it is: entries sealed.</summary>
    public IAuditStore Store { get; }

    /// <summary>The subject of an entry by <paramref name="actor"/>, or null when it names nobody.</summary>
    public static string? SubjectOf(AuditActor actor) =>
        !string.IsNullOrEmpty(actor.Id) ? actor.Id : !string.IsNullOrEmpty(actor.Ip) ? "ip:" + actor.Ip : null;

    /// <summary>Whether a detail is personal (sealed): everything but the method, route, status, credential and error.</summary>
    public static bool IsPersonalDetail(string key) => !PlainDetails.Contains(key);

    /// <summary>Whether <paramref name="value"/> is in the sealed format.</summary>
    public static bool IsSealed(string? value) =>
        value is not null && value.Length > Prefix.Length + TagChars + 1 && value.StartsWith(Prefix, StringComparison.Ordinal) && value[Prefix.Length + TagChars] == ':';

    /// <summary>The subject tag of a sealed value, or null.</summary>
    public static string? TagOf(string? value) => IsSealed(value) ? value!.Substring(Prefix.Length, TagChars) : null;

    /// <summary>The subject tag of a stored event (from its sealed actor id or address), or null when nothing in it is sealed.</summary>
    public static string? TagOf(AuditEvent stored) => TagOf(stored.Actor.Id) ?? TagOf(stored.Actor.Ip);

    /// <summary>The lookup tag of a subject: the first 16 bytes of HMAC-SHA256 of its id, hex.</summary>
    public string Tag(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (_tags.TryGetValue(subject, out var cached))
        {
            return cached;
        }

        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_lookupKey, Encoding.UTF8.GetBytes(subject), mac);
        var tag = Convert.ToHexStringLower(mac[..(TagChars / 2)]);
        if (_tags.Count >= MaxCachedKeys)
        {
            _tags.Clear();
        }

        _tags[subject] = tag;
        return tag;
    }

    /// <summary>
    /// Makes sure this master key is the one the store's subject keys are wrapped with: the first start stores a check
    /// value (a key under a reserved name, never a subject's tag), later starts must open it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store was started with another master key.</exception>
    public async Task CheckMasterKeyAsync(CancellationToken cancellationToken)
    {
        const string Check = "master-key-check";
        var stored = await Store.AddSubjectKeyAsync(Check, Wrap(Check, RandomNumberGenerator.GetBytes(KeyBytes)), cancellationToken);
        if (Unwrap(Check, stored) is null)
        {
            throw new InvalidOperationException(
                "The audit subject master key (AgentMesh:Audit:SubjectKey or its key file) is not the one this audit store was started with: every node sharing the store needs the same key.");
        }
    }

    /// <summary>The event as it is to be stored: personal fields sealed under the subject's key, created on first use.</summary>
    public async ValueTask<AuditEvent> SealAsync(AuditEvent e, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        var subject = SubjectOf(e.Actor);
        if (subject is null)
        {
            return e;
        }

        var tag = Tag(subject);
        var key = await KeyForWritingAsync(tag, cancellationToken);
        using var aes = new AesGcm(key, TagBytes);
        Dictionary<string, string>? details = null;
        foreach (var (name, value) in e.Details)
        {
            if (IsPersonalDetail(name))
            {
                details ??= new Dictionary<string, string>(e.Details, StringComparer.Ordinal);
                details[name] = Seal(aes, tag, "details." + name, value)!;
            }
        }

        return e with
        {
            Actor = e.Actor with
            {
                Id = Seal(aes, tag, "actor.id", e.Actor.Id),
                Ip = Seal(aes, tag, "actor.ip", e.Actor.Ip),
                UserAgent = Seal(aes, tag, "actor.userAgent", e.Actor.UserAgent),
            },
            Details = (IReadOnlyDictionary<string, string>?)details ?? e.Details,
        };
    }

    /// <summary>The entries with <see cref="AuditEntry.Opened"/> set: personal fields opened, or <see cref="Erased"/>.</summary>
    public async Task<IReadOnlyList<AuditEntry>> OpenAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var tags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (TagOf(entry.Event) is { } tag)
            {
                tags.Add(tag);
            }
        }

        if (tags.Count == 0)
        {
            return entries;
        }

        var wrapped = await Store.ReadSubjectKeysAsync(tags, cancellationToken);
        var ciphers = new Dictionary<string, AesGcm?>(StringComparer.Ordinal);
        try
        {
            foreach (var (tag, value) in wrapped)
            {
                ciphers[tag] = Unwrap(tag, value) is { } key ? new AesGcm(key, TagBytes) : null;
            }

            var opened = new List<AuditEntry>(entries.Count);
            foreach (var entry in entries)
            {
                var tag = TagOf(entry.Event);
                if (tag is null)
                {
                    opened.Add(entry);
                    continue;
                }

                var state = ciphers.TryGetValue(tag, out var aes) ? (aes is null ? KeyState.Unreadable : KeyState.Held) : KeyState.Erased;
                opened.Add(entry with { Opened = Open(entry.Event, tag, aes, state) });
            }

            return opened;
        }
        finally
        {
            foreach (var aes in ciphers.Values)
            {
                aes?.Dispose();
            }
        }
    }

    /// <summary>
    /// Erases a subject: deletes its key, so every personal field sealed under it reads as <see cref="Erased"/> for good.
    /// Returns the subject's tag and whether it had a key. The subject's next entry starts a new key.
    /// </summary>
    public async Task<(string Tag, bool Erased)> EraseAsync(string subject, CancellationToken cancellationToken)
    {
        var tag = Tag(subject);
        _writeKeys.TryRemove(tag, out _);
        var erased = await Store.DeleteSubjectKeyAsync(tag, cancellationToken);
        _writeKeys.TryRemove(tag, out _);
        return (tag, erased);
    }

    private static AuditEvent Open(AuditEvent stored, string tag, AesGcm? aes, KeyState state)
    {
        string? Field(string field, string? value)
        {
            if (!IsSealed(value))
            {
                return value;
            }

            if (TagOf(value) != tag)
            {
                return Unreadable;
            }

            return state switch
            {
                KeyState.Erased => Erased,
                KeyState.Unreadable => Unreadable,
                _ => OpenValue(aes!, tag, field, value!) ?? Unreadable,
            };
        }

        var details = new Dictionary<string, string>(stored.Details.Count, StringComparer.Ordinal);
        foreach (var (name, value) in stored.Details)
        {
            details[name] = Field("details." + name, value)!;
        }

        return stored with
        {
            Actor = stored.Actor with
            {
                Id = Field("actor.id", stored.Actor.Id),
                Ip = Field("actor.ip", stored.Actor.Ip),
                UserAgent = Field("actor.userAgent", stored.Actor.UserAgent),
            },
            Details = details,
        };
    }

    private static string? Seal(AesGcm aes, string tag, string field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        // Fields are clipped to a few hundred characters: plaintext and ciphertext fit on the stack, once per field and entry.
        var length = Encoding.UTF8.GetByteCount(value);
        Span<byte> plain = length <= SealedOnStack ? stackalloc byte[SealedOnStack] : new byte[length];
        plain = plain[..Encoding.UTF8.GetBytes(value, plain)];
        Span<byte> sealedBytes = length <= SealedOnStack ? stackalloc byte[NonceBytes + TagBytes + SealedOnStack] : new byte[NonceBytes + TagBytes + length];
        sealedBytes = sealedBytes[..(NonceBytes + TagBytes + length)];
        var nonce = sealedBytes[..NonceBytes];
        RandomNumberGenerator.Fill(nonce);
        aes.Encrypt(nonce, plain, sealedBytes[(NonceBytes + TagBytes)..], sealedBytes.Slice(NonceBytes, TagBytes), AssociatedData(tag, field, stackalloc byte[AssociatedDataBytes]));
        return string.Concat(Prefix, tag, ":", Convert.ToBase64String(sealedBytes));
    }

    private static string? OpenValue(AesGcm aes, string tag, string field, string value)
    {
        var encoded = value.AsSpan(Prefix.Length + TagChars + 1);
        var sealedBytes = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        if (!Convert.TryFromBase64Chars(encoded, sealedBytes, out var length) || length < NonceBytes + TagBytes)
        {
            return null;
        }

        var plain = new byte[length - NonceBytes - TagBytes];
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes, plain.Length), sealedBytes.AsSpan(NonceBytes, TagBytes), plain, AssociatedData(tag, field, stackalloc byte[AssociatedDataBytes]));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>What a sealed field is bound to: <c>amsub1:{tag}:{field}</c> in UTF-8, in <paramref name="buffer"/> when it fits.</summary>
    private static ReadOnlySpan<byte> AssociatedData(string tag, string field, Span<byte> buffer)
    {
        var length = Prefix.Length + tag.Length + 1 + Encoding.UTF8.GetMaxByteCount(field.Length);
        var data = length <= buffer.Length ? buffer : new byte[length];
        var written = Encoding.UTF8.GetBytes(Prefix, data);
        written += Encoding.UTF8.GetBytes(tag, data[written..]);
        data[written++] = (byte)':';
        written += Encoding.UTF8.GetBytes(field, data[written..]);
        return data[..written];
    }

    private async ValueTask<byte[]> KeyForWritingAsync(string tag, CancellationToken cancellationToken)
    {
        if (_writeKeys.TryGetValue(tag, out var cached))
        {
            return cached;
        }

        var stored = await Store.AddSubjectKeyAsync(tag, Wrap(tag, RandomNumberGenerator.GetBytes(KeyBytes)), cancellationToken);
        var key = Unwrap(tag, stored)
            ?? throw new InvalidOperationException($"The stored key of audit subject {tag} does not open with this node's audit subject master key (AgentMesh:Audit:SubjectKey).");
        if (_writeKeys.Count >= MaxCachedKeys)
        {
            _writeKeys.Clear();
        }

        _writeKeys[tag] = key;
        return key;
    }

    private byte[] Wrap(string tag, byte[] key)
    {
        var wrapped = new byte[NonceBytes + TagBytes + key.Length];
        RandomNumberGenerator.Fill(wrapped.AsSpan(0, NonceBytes));
        using var aes = new AesGcm(_wrapKey, TagBytes);
        aes.Encrypt(wrapped.AsSpan(0, NonceBytes), key, wrapped.AsSpan(NonceBytes + TagBytes), wrapped.AsSpan(NonceBytes, TagBytes), WrapData(tag));
        CryptographicOperations.ZeroMemory(key);
        return wrapped;
    }

    private byte[]? Unwrap(string tag, byte[] wrapped)
    {
        if (wrapped.Length != NonceBytes + TagBytes + KeyBytes)
        {
            return null;
        }

        var key = new byte[KeyBytes];
        using var aes = new AesGcm(_wrapKey, TagBytes);
        try
        {
            aes.Decrypt(wrapped.AsSpan(0, NonceBytes), wrapped.AsSpan(NonceBytes + TagBytes), wrapped.AsSpan(NonceBytes, TagBytes), key, WrapData(tag));
            return key;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] WrapData(string tag) => Encoding.ASCII.GetBytes("amsubkey1:" + tag);

    private enum KeyState
    {
        Held,
        Erased,
        Unreadable,
    }
}
