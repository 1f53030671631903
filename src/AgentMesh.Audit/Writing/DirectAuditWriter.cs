namespace AgentMesh.Audit;

/// <summary>
/// Appends a few entries to a chain and a checkpoint signed over them, in one store transaction, for a process that
/// runs once and ends (the offline commands of the CLI). Unlike <see cref="AuditAppender"/> it neither queues nor
/// retries: a process about to exit has nobody to hand a failure to but its caller, who must report it.
/// </summary>
public static class DirectAuditWriter
{
    /// <summary>Stores <paramref name="events"/> at the end of <paramref name="chain"/>, personal fields sealed, then a checkpoint.</summary>
    /// <returns>The entries as stored, with <see cref="AuditEntry.Opened"/> set.</returns>
    /// <exception cref="InvalidOperationException">The store was started with another subject master key.</exception>
    public static async Task<IReadOnlyList<AuditEntry>> AppendAsync(
        AuditSubjects subjects, CheckpointSigner signer, string chain, IReadOnlyList<AuditEvent> events, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfZero(events.Count);
        var tail = await ChainTail.ReadAsync(subjects.Store, subjects, chain, cancellationToken);
        var entries = new List<AuditEntry>(events.Count);
        foreach (var e in events)
        {
            var exact = tail.Stamp(e);
            entries.Add(tail.Append(await subjects.SealAsync(exact, cancellationToken), exact));
        }

        await subjects.Store.AppendAsync(entries, tail.Checkpoint(signer, time.GetUtcNow()), cancellationToken);
        return entries;
    }
}
