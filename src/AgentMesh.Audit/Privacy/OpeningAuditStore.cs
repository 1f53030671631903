namespace AgentMesh.Audit;

/// <summary>
/// The audit store as readers see it: queries find entries by actor through the subject tag and come back with personal
/// fields opened (<see cref="AuditEntry.Opened"/>), erased ones marked. Everything else — appending, verification reads,
/// hashes, checkpoints, forwarding — passes through as stored, sealed.
/// </summary>
public sealed class OpeningAuditStore(AuditSubjects subjects) : IAuditStore
{
    private readonly IAuditStore _inner = subjects.Store;

    public AuditSubjects Subjects => subjects;

    public Task InitializeAsync(CancellationToken cancellationToken) => _inner.InitializeAsync(cancellationToken);

    public Task AppendAsync(IReadOnlyList<AuditEntry> entries, AuditCheckpoint? checkpoint, CancellationToken cancellationToken) =>
        _inner.AppendAsync(entries, checkpoint, cancellationToken);

    public Task<IReadOnlyList<string>> ReadChainsAsync(CancellationToken cancellationToken) => _inner.ReadChainsAsync(cancellationToken);

    public Task<AuditEntry?> ReadLastAsync(string chain, CancellationToken cancellationToken) => _inner.ReadLastAsync(chain, cancellationToken);

    public IAsyncEnumerable<AuditEntry> ReadAsync(string chain, long fromSequence, long toSequence, CancellationToken cancellationToken) =>
        _inner.ReadAsync(chain, fromSequence, toSequence, cancellationToken);

    public Task<IReadOnlyList<byte[]>> ReadHashesAsync(string chain, long toSequence, CancellationToken cancellationToken) =>
        _inner.ReadHashesAsync(chain, toSequence, cancellationToken);

    public Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(string chain, CancellationToken cancellationToken) =>
        _inner.ReadCheckpointsAsync(chain, cancellationToken);

    public Task<long> ReadCursorAsync(string sink, string chain, CancellationToken cancellationToken) => _inner.ReadCursorAsync(sink, chain, cancellationToken);

    public Task SaveCursorAsync(string sink, string chain, long sequence, CancellationToken cancellationToken) =>
        _inner.SaveCursorAsync(sink, chain, sequence, cancellationToken);

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = await _inner.QueryAsync(query.ActorId is { } actor ? query with { ActorSubject = subjects.Tag(actor) } : query, cancellationToken);
        return page with { Entries = await subjects.OpenAsync(page.Entries, cancellationToken) };
    }

    public Task<byte[]> AddSubjectKeyAsync(string tag, byte[] wrappedKey, CancellationToken cancellationToken) =>
        _inner.AddSubjectKeyAsync(tag, wrappedKey, cancellationToken);

    public Task<IReadOnlyDictionary<string, byte[]>> ReadSubjectKeysAsync(IReadOnlyCollection<string> tags, CancellationToken cancellationToken) =>
        _inner.ReadSubjectKeysAsync(tags, cancellationToken);

    public Task<bool> DeleteSubjectKeyAsync(string tag, CancellationToken cancellationToken) => _inner.DeleteSubjectKeyAsync(tag, cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
