using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AgentMesh.Audit;

/// <summary>
/// SHA-256 of short inputs, the chain and Merkle hashes. .NET hashes through OpenSSL's EVP interface with an error-queue
/// clear and a context allocation per call, which costs several times the hash of a 300-byte entry; on Linux this calls
/// the library's SHA256_Init/Update/Final on a stack context instead, the same code (with the CPU's SHA extensions)
/// without that overhead. Elsewhere, or if the library or its answer to a known vector is not as expected,
/// <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> is used.
/// </summary>
internal static unsafe class Sha256Digest
{
    public const int Size = 32;

    private const int MaxDirectBytes = 4096;

    // sizeof(SHA256_CTX) is 112 in OpenSSL 1.1 and 3; room to spare.
    private const int ContextSize = 256;

    private static readonly Functions? Native = Load();

    /// <summary>True when hashes are computed by the direct calls rather than through .NET.</summary>
    public static bool IsDirect => Native is not null;

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        // The direct calls skip the GC transition, which is sound only for a call that returns within a microsecond or so.
        if (Native is not { } native || data.Length > MaxDirectBytes)
        {
            SHA256.HashData(data, destination);
            return;
        }

        if (destination.Length < Size)
        {
            throw new ArgumentException($"The destination holds fewer than {Size} bytes.", nameof(destination));
        }

        var context = stackalloc byte[ContextSize];
        fixed (byte* input = data)
        fixed (byte* output = destination)
        {
            native.Init(context);
            native.Update(context, input, (nuint)data.Length);
            native.Final(output, context);
        }
    }

    private static Functions? Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (var name in (string[])["libcrypto.so.3", "libcrypto.so.1.1"])
        {
            if (!NativeLibrary.TryLoad(name, out var library))
            {
                continue;
            }

            if (NativeLibrary.TryGetExport(library, "SHA256_Init", out var init)
                && NativeLibrary.TryGetExport(library, "SHA256_Update", out var update)
                && NativeLibrary.TryGetExport(library, "SHA256_Final", out var final))
            {
                var functions = new Functions(
                    (delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, int>)init,
                    (delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, byte*, nuint, int>)update,
                    (delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, byte*, int>)final);
                if (functions.Answers())
                {
                    return functions;
                }
            }

            return null;
        }

        return null;
    }

    private sealed class Functions(
        delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, int> init,
        delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, byte*, nuint, int> update,
        delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, byte*, int> final)
    {
        public delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, int> Init { get; } = init;

        public delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, byte*, nuint, int> Update { get; } = update;

        public delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, byte*, int> Final { get; } = final;

        /// <summary>Whether inputs of one, two and several blocks hash as .NET hashes them.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public bool Answers()
        {
            Span<byte> input = stackalloc byte[300];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (byte)(i * 7);
            }

            Span<byte> expected = stackalloc byte[Size];
            Span<byte> actual = stackalloc byte[Size];
            var context = stackalloc byte[ContextSize];
            foreach (var length in (int[])[0, 3, 33, 65, 300])
            {
                SHA256.HashData(input[..length], expected);
                fixed (byte* data = input)
                fixed (byte* output = actual)
                {
                    if (Init(context) != 1 || Update(context, data, (nuint)length) != 1 || Final(output, context) != 1)
                    {
                        return false;
                    }
                }

                if (!actual.SequenceEqual(expected))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
