using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace AgentMesh.Protection;

/// <summary>
/// AES-256-GCM under a <see cref="PayloadKeyring"/>, in the <see cref="ProtectedPayload"/> format. Cipher instances are not
/// thread-safe, so each key keeps a small pool of them; working buffers come from the shared array pool and are cleared
/// before they go back. A value costs one allocation: the stored string.
/// </summary>
public sealed class AesGcmPayloadProtector : IPayloadProtector, IDisposable
{
    private readonly PayloadKeyring _keyring;
    private readonly ConcurrentDictionary<string, ConcurrentBag<AesGcm>> _ciphers = new(StringComparer.Ordinal);
    private readonly string _currentPrefix;
    private readonly byte[] _currentAssociatedData;

    public AesGcmPayloadProtector(PayloadKeyring keyring)
    {
        ArgumentNullException.ThrowIfNull(keyring);
        _keyring = keyring;
        _currentPrefix = PrefixOf(keyring.CurrentKeyId);
        _currentAssociatedData = Encoding.ASCII.GetBytes(_currentPrefix);
    }

    /// <summary>The keys in use.</summary>
    public PayloadKeyring Keyring => _keyring;

    public string Protect(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var plain = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(plaintext.Length));
        byte[]? sealedBytes = null;
        try
        {
            var plainLength = Encoding.UTF8.GetBytes(plaintext, plain);
            var sealedLength = ProtectedPayload.NonceBytes + ProtectedPayload.TagBytes + plainLength;
            sealedBytes = ArrayPool<byte>.Shared.Rent(sealedLength);
            var nonce = sealedBytes.AsSpan(0, ProtectedPayload.NonceBytes);
            var tag = sealedBytes.AsSpan(ProtectedPayload.NonceBytes, ProtectedPayload.TagBytes);
            var cipherText = sealedBytes.AsSpan(ProtectedPayload.NonceBytes + ProtectedPayload.TagBytes, plainLength);
            RandomNumberGenerator.Fill(nonce);
            var key = _keyring.CurrentKeyId;
            var aes = Rent(key);
            try
            {
                aes.Encrypt(nonce, plain.AsSpan(0, plainLength), cipherText, tag, _currentAssociatedData);
            }
            finally
            {
                Return(key, aes);
            }

            return string.Create(
                _currentPrefix.Length + ((sealedLength + 2) / 3 * 4),
                (_currentPrefix, sealedBytes, sealedLength),
                static (destination, state) =>
                {
                    state._currentPrefix.CopyTo(destination);
                    Convert.TryToBase64Chars(state.sealedBytes.AsSpan(0, state.sealedLength), destination[state._currentPrefix.Length..], out _);
                });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain, clearArray: true);
            if (sealedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(sealedBytes);
            }
        }
    }

    public string Unprotect(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!ProtectedPayload.IsProtected(stored))
        {
            return stored;
        }

        var keyId = ProtectedPayload.KeyId(stored) ?? throw Malformed(null);
        if (!_keyring.TryGetKey(keyId, out _))
        {
            throw new InvalidOperationException($"Stored task data is encrypted with key '{keyId}', which {_keyring.Source} does not hold.");
        }

        var prefixLength = ProtectedPayload.Prefix.Length + keyId.Length + 1;
        var encoded = stored.AsSpan(prefixLength);
        var sealedBytes = ArrayPool<byte>.Shared.Rent((encoded.Length / 4 * 3) + 3);
        byte[]? plain = null;
        try
        {
            if (!Convert.TryFromBase64Chars(encoded, sealedBytes, out var sealedLength) || sealedLength < ProtectedPayload.NonceBytes + ProtectedPayload.TagBytes)
            {
                throw Malformed(keyId);
            }

            var plainLength = sealedLength - ProtectedPayload.NonceBytes - ProtectedPayload.TagBytes;
            plain = ArrayPool<byte>.Shared.Rent(plainLength);
            Span<byte> associatedData = stackalloc byte[prefixLength];
            Encoding.ASCII.GetBytes(stored.AsSpan(0, prefixLength), associatedData);
            var aes = Rent(keyId);
            try
            {
                aes.Decrypt(
                    sealedBytes.AsSpan(0, ProtectedPayload.NonceBytes),
                    sealedBytes.AsSpan(ProtectedPayload.NonceBytes + ProtectedPayload.TagBytes, plainLength),
                    sealedBytes.AsSpan(ProtectedPayload.NonceBytes, ProtectedPayload.TagBytes),
                    plain.AsSpan(0, plainLength),
                    associatedData);
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new InvalidOperationException(
                    $"Stored task data under key '{keyId}' does not decrypt with the key {_keyring.Source} holds under that id: a wrong key, or altered data.");
            }
            finally
            {
                Return(keyId, aes);
            }

            return Encoding.UTF8.GetString(plain, 0, plainLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sealedBytes);
            if (plain is not null)
            {
                ArrayPool<byte>.Shared.Return(plain, clearArray: true);
            }
        }
    }

    public bool IsCurrent(string stored) => stored.StartsWith(_currentPrefix, StringComparison.Ordinal);

    public void Dispose()
    {
        foreach (var pool in _ciphers.Values)
        {
            while (pool.TryTake(out var aes))
            {
                aes.Dispose();
            }
        }
    }

    private static string PrefixOf(string keyId) => ProtectedPayload.Prefix + keyId + ":";

    private static InvalidOperationException Malformed(string? keyId) =>
        new($"Stored task data in the encrypted format{(keyId is null ? string.Empty : $" under key '{keyId}'")} is malformed.");

    private AesGcm Rent(string keyId)
    {
        var pool = _ciphers.GetOrAdd(keyId, static _ => []);
        if (pool.TryTake(out var aes))
        {
            return aes;
        }

        _keyring.TryGetKey(keyId, out var key);
        return new AesGcm(key, ProtectedPayload.TagBytes);
    }

    private void Return(string keyId, AesGcm aes) => _ciphers[keyId].Add(aes);
}
