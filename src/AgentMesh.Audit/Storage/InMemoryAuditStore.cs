using System.Runtime.CompilerServices;

namespace AgentMesh.Audit;

/// <summary>An audit store in memory, for tests and benchmarks; it enforces the same append rules as a database.</summary>
public sealed class InMemoryAuditStore : IAuditStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<AuditEntry>> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<AuditCheckpoint>> _checkpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Sink, string Chain), long> _cursors = [];
    private readonly Dictionary<string, byte[]> _subjectKeys = new(StringComparer.Ordinal);

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AppendAsync(IReadOnlyList<AuditEntry> entries, AuditCheckpoint? checkpoint, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                var chain = Chain(entry.Chain);
                if (entry.Sequence != chain.Count + 1)
                {
                    throw new InvalidOperationException($"Entry {entry.Sequence} does not follow {chain.Count} in chain '{entry.Chain}'.");
                }

                chain.Add(entry);
            }

            if (checkpoint is not null)
            {
                if (!_checkpoints.TryGetValue(checkpoint.Chain, out var list))
                {
                    _checkpoints[checkpoint.Chain] = list = [];
                }

                list.Add(checkpoint);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ReadChainsAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<string>>([.. _entries.Keys.Order(StringComparer.Ordinal)]);
        }
    }

    public Task<AuditEntry?> ReadLastAsync(string chain, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_entries.TryGetValue(chain, out var list) && list.Count > 0 ? list[^1] : null);
        }
    }

    public async IAsyncEnumerable<AuditEntry> ReadAsync(string chain, long fromSequence, long toSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        AuditEntry[] snapshot;
        lock (_lock)
        {
            snapshot = _entries.TryGetValue(chain, out var list) ? [.. list.Where(e => e.Sequence >= fromSequence && e.Sequence <= toSequence)] : [];
        }

        foreach (var entry in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }

        await Task.CompletedTask;
    }

    public Task<IReadOnlyList<byte[]>> ReadHashesAsync(string chain, long toSequence, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<byte[]>>(_entries.TryGetValue(chain, out var list) ? [.. list.Where(e => e.Sequence <= toSequence).Select(static e => e.Hash)] : []);
        }
    }

    public Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(string chain, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<AuditCheckpoint>>(_checkpoints.TryGetValue(chain, out var list) ? [.. list] : []);
        }
    }

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var matches = _entries.Values.SelectMany(static e => e).Where(query.Matches).OrderBy(AuditCursor.Of).Take(query.Limit + 1).ToList();
            var more = matches.Count > query.Limit;
            var page = more ? matches[..query.Limit] : matches;
            return Task.FromResult(new AuditPage(page, more ? AuditCursor.Of(page[^1]).Encode() : null));
        }
    }

    public Task<long> ReadCursorAsync(string sink, string chain, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_cursors.GetValueOrDefault((sink, chain)));
        }
    }

    public Task SaveCursorAsync(string sink, string chain, long sequence, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _cursors[(sink, chain)] = sequence;
        }

        return Task.CompletedTask;
    }

    public Task<byte[]> AddSubjectKeyAsync(string tag, byte[] wrappedKey, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_subjectKeys.TryAdd(tag, wrappedKey) ? wrappedKey : _subjectKeys[tag]);
        }
    }

    public Task<IReadOnlyDictionary<string, byte[]>> ReadSubjectKeysAsync(IReadOnlyCollection<string> tags, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                if (_subjectKeys.TryGetValue(tag, out var key))
                {
                    keys[tag] = key;
                }
            }

            return Task.FromResult<IReadOnlyDictionary<string, byte[]>>(keys);
        }
    }

    public Task<bool> DeleteSubjectKeyAsync(string tag, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_subjectKeys.Remove(tag));
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private List<AuditEntry> Chain(string chain)
    {
        if (!_entries.TryGetValue(chain, out var list))
        {
            _entries[chain] = list = [];
        }

        return list;
    }
}
