namespace AgentMesh.Audit;

/// <summary>The part of verification that does not depend on the entries before a run, done where the run is read.</summary>
public sealed partial class ChainVerifier
{
    private const int SubtreeHeight = RunHashes.Height;
    private const int SubtreeLeaves = RunHashes.Leaves;

    /// <summary>
    /// Hashes a run (chain hashes, Merkle leaves, whole subtrees) and checks the signatures of the checkpoints whose tree
    /// size falls in it. Safe to call from several threads at once for different runs: readers call it on the runs they
    /// read, so the work is spread over the cores with no hand-off, and <see cref="Accept"/> only checks in order.
    /// A run <see cref="Accept"/> receives unprepared is prepared there.
    /// </summary>
    public void Prepare(EncodedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Count == 0 || run.Hashes is not null)
        {
            return;
        }

        run.Hashes = new RunHashes(run);
        if (_publicKey is null)
        {
            return;
        }

        // Each checkpoint index is reached by the one run whose sequence numbers cover its tree size; a repeat only writes the same answer.
        var first = run.Sequence(0);
        var last = run.Sequence(run.Count - 1);
        for (var i = FirstCheckpointFrom(first); i < _checkpoints.Length && _checkpoints[i].TreeSize <= last; i++)
        {
            SignatureValid(i);
        }
    }

    private int FirstCheckpointFrom(long treeSize)
    {
        int low = 0, high = _checkpoints.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_checkpoints[middle].TreeSize < treeSize)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
