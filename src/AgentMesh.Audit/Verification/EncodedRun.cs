using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace AgentMesh.Audit;

/// <summary>
/// Consecutive stored entries of one chain in the form verification hashes them: per entry its sequence, the bytes its
/// chain hash is computed over (the stored previous hash followed by the canonical encoding, <see cref="AuditEncoding"/>)
/// and its stored hash. A store fills a run either from <see cref="AuditEntry"/> values (<see cref="Add"/>) or straight
/// from its rows (<see cref="BeginEntry"/> … <see cref="EndEntry"/>), which must then produce the same bytes. A run ends
/// at a sequence number that is a multiple of <see cref="Capacity"/>, so that runs line up with whole Merkle subtrees.
/// Buffers are pooled: whoever receives a run disposes it.
/// </summary>
public sealed class EncodedRun : IDisposable
{
    /// <summary>The most entries in a run.</summary>
    public const int Capacity = 4096;

    private const int SlotsPerEntry = 4;

    private readonly Writer _writer;
    private long[] _sequences = ArrayPool<long>.Shared.Rent(Capacity);
    private int[] _slots = ArrayPool<int>.Shared.Rent(Capacity * SlotsPerEntry);
    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(Capacity * 320);
    private int _used;
    private int _start = -1;

    public EncodedRun(string chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        Chain = chain;
        _writer = new Writer(this);
    }

    public string Chain { get; }

    public int Count { get; private set; }

    /// <summary>True when no entry may follow in this run: it holds <see cref="Capacity"/> entries or ends on a multiple of it.</summary>
    public bool IsFull => Count == Capacity || (Count > 0 && _sequences[Count - 1] % Capacity == 0);

    public long Sequence(int index) => _sequences[index];

    /// <summary>The run's hashes once <see cref="ChainVerifier.Prepare"/> computed them.</summary>
    internal RunHashes? Hashes { get; set; }

    /// <summary>The bytes the chain hash of the entry is computed over: stored previous hash ‖ canonical encoding.</summary>
    public ReadOnlySpan<byte> Input(int index) => _bytes.AsSpan(_slots[index * SlotsPerEntry], _slots[(index * SlotsPerEntry) + 2] - _slots[index * SlotsPerEntry]);

    public ReadOnlySpan<byte> PreviousHash(int index) => _bytes.AsSpan(_slots[index * SlotsPerEntry], _slots[(index * SlotsPerEntry) + 1]);

    public ReadOnlySpan<byte> Hash(int index) => _bytes.AsSpan(_slots[(index * SlotsPerEntry) + 2], _slots[(index * SlotsPerEntry) + 3] - _slots[(index * SlotsPerEntry) + 2]);

    /// <summary>Encodes an entry as stored and adds it.</summary>
    public void Add(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Open(entry.Sequence, entry.PreviousHash);
        AuditEncoding.Write(_writer, Chain, entry.Sequence, entry.Event);
        EndEntry(entry.Hash);
    }

    /// <summary>Starts an entry read from a row: writes the previous hash and the encoding's fields up to the sequence number.</summary>
    public void BeginEntry(long sequence, ReadOnlySpan<byte> previousHash)
    {
        Open(sequence, previousHash);
        AuditEncoding.WriteHeader(_writer, Chain, sequence);
    }

    /// <summary>The next field of the encoding: a 64-bit integer.</summary>
    public void WriteInt64(long value) => AuditEncoding.WriteInt64(_writer, value);

    /// <summary>Reserves the next field, a 64-bit integer known only later (a count, once its items are written); returns where it is.</summary>
    public int ReserveInt64()
    {
        var at = _used;
        AuditEncoding.WriteInt64(_writer, 0);
        return at;
    }

    /// <summary>Sets the field reserved at <paramref name="at"/> by <see cref="ReserveInt64"/>.</summary>
    public void FillInt64(int at, long value) => BinaryPrimitives.WriteInt64BigEndian(_bytes.AsSpan(at, sizeof(long)), value);

    /// <summary>The next field of the encoding: one byte (an enum).</summary>
    public void WriteByte(byte value) => AuditEncoding.WriteByte(_writer, value);

    /// <summary>The next field of the encoding: a string given as its UTF-8 bytes.</summary>
    public void WriteText(ReadOnlySpan<byte> utf8) => AuditEncoding.WriteUtf8(_writer, utf8);

    /// <summary>The next field of the encoding: a null string.</summary>
    public void WriteNull() => AuditEncoding.WriteString(_writer, null);

    /// <summary>Ends the entry started with <see cref="BeginEntry"/> with its stored hash.</summary>
    public void EndEntry(ReadOnlySpan<byte> hash)
    {
        var slot = Count * SlotsPerEntry;
        _slots[slot + 2] = _used;
        hash.CopyTo(Reserve(hash.Length));
        _used += hash.Length;
        _slots[slot + 3] = _used;
        Count++;
        _start = -1;
    }

    /// <summary>Drops the entry started with <see cref="BeginEntry"/>, e.g. to add it through <see cref="Add"/> instead.</summary>
    public void CancelEntry()
    {
        if (_start >= 0)
        {
            _used = _start;
            _start = -1;
        }
    }

    public void Dispose()
    {
        Hashes?.Dispose();
        Hashes = null;
        ArrayPool<long>.Shared.Return(_sequences);
        ArrayPool<int>.Shared.Return(_slots);
        ArrayPool<byte>.Shared.Return(_bytes);
        _sequences = [];
        _slots = [];
        _bytes = [];
    }

    /// <summary>Encodes what <paramref name="entries"/> yields into runs; each run yielded belongs to the caller.</summary>
    public static async IAsyncEnumerable<EncodedRun> FromEntriesAsync(IAsyncEnumerable<AuditEntry> entries, string chain, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var run = new EncodedRun(chain);
        try
        {
            await foreach (var entry in entries.WithCancellation(cancellationToken))
            {
                run.Add(entry);
                if (run.IsFull)
                {
                    var full = run;
                    run = new EncodedRun(chain);
                    yield return full;
                }
            }

            if (run.Count > 0)
            {
                var last = run;
                run = null;
                yield return last;
            }
        }
        finally
        {
            run?.Dispose();
        }
    }

    private void Open(long sequence, ReadOnlySpan<byte> previousHash)
    {
        if (Count == Capacity)
        {
            throw new InvalidOperationException($"A run holds at most {Capacity} entries.");
        }

        _start = _used;
        _sequences[Count] = sequence;
        var slot = Count * SlotsPerEntry;
        _slots[slot] = _used;
        _slots[slot + 1] = previousHash.Length;
        previousHash.CopyTo(Reserve(previousHash.Length));
        _used += previousHash.Length;
    }

    private Span<byte> Reserve(int length)
    {
        if (_bytes.Length - _used < length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _used + length));
            _bytes.AsSpan(0, _used).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = larger;
        }

        return _bytes.AsSpan(_used, length);
    }

    private sealed class Writer(EncodedRun run) : IBufferWriter<byte>
    {
        public void Advance(int count) => run._used += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            run.Reserve(Math.Max(sizeHint, 256));
            return run._bytes.AsMemory(run._used);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            run.Reserve(Math.Max(sizeHint, 256));
            return run._bytes.AsSpan(run._used);
        }
    }
}
