namespace AgentMesh.Audit;

/// <summary>
/// Where a chain ends, as its one writer continues it: the last sequence number, hash and time, and the Merkle frontier
/// over every entry so far. Read from the store when a writer starts, then advanced in memory entry by entry.
/// </summary>
internal sealed class ChainTail
{
    private readonly ChainHasher _hasher = new();
    private readonly MerkleFrontier _frontier = new();
    private byte[] _head = ChainHasher.Genesis.ToArray();
    private DateTimeOffset _lastTime;

    private ChainTail(string chain) => Chain = chain;

    public string Chain { get; }

    /// <summary>The sequence number of the last entry (0 for an empty chain).</summary>
    public long Sequence { get; private set; }

    /// <summary>The tree size of the chain's last signed checkpoint when it was read (0 without one).</summary>
    public long Checkpointed { get; private set; }

    /// <summary>
    /// Opens <paramref name="store"/> for writing <paramref name="chain"/>: checks the subject master key against the
    /// store when entries are sealed, and reads the chain's end.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store was started with another subject master key.</exception>
    public static async Task<ChainTail> ReadAsync(IAuditStore store, AuditSubjects? subjects, string chain, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        if (subjects is not null)
        {
            await subjects.CheckMasterKeyAsync(cancellationToken);
        }

        var tail = new ChainTail(chain);
        var last = await store.ReadLastAsync(chain, cancellationToken);
        if (last is not null)
        {
            foreach (var hash in await store.ReadHashesAsync(chain, last.Sequence, cancellationToken))
            {
                tail._frontier.Append(MerkleTree.LeafHash(hash));
            }

            tail.Sequence = last.Sequence;
            tail._head = last.Hash;
            tail._lastTime = last.Event.Time;
        }

        var checkpoints = await store.ReadCheckpointsAsync(chain, cancellationToken);
        tail.Checkpointed = checkpoints.Count > 0 ? checkpoints[^1].TreeSize : 0;
        return tail;
    }

    /// <summary>
    /// The event at the time it takes in the chain: kept to the microsecond, and never before the previous entry, so
    /// ordering all chains by (time, chain, sequence) keeps each chain in order.
    /// </summary>
    public AuditEvent Stamp(AuditEvent e)
    {
        var time = AuditEncoding.FromMicroseconds(AuditEncoding.ToMicroseconds(e.Time));
        _lastTime = time > _lastTime ? time : _lastTime;
        return e with { Time = _lastTime };
    }

    /// <summary>The next entry: <paramref name="stored"/> (a stamped event, sealed when entries are) hashed onto the chain.</summary>
    public AuditEntry Append(AuditEvent stored, AuditEvent? opened)
    {
        var sequence = ++Sequence;
        var hash = _hasher.Hash(_head, Chain, sequence, stored);
        var entry = new AuditEntry(Chain, sequence, stored, _head, hash) { Opened = opened };
        _frontier.Append(MerkleTree.LeafHash(hash));
        _head = hash;
        return entry;
    }

    /// <summary>A checkpoint over every entry so far, signed now.</summary>
    public AuditCheckpoint Checkpoint(CheckpointSigner signer, DateTimeOffset time) => signer.Checkpoint(Chain, Sequence, time, _frontier.Root(), _head);
}
