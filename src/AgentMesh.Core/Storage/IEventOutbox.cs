using AgentMesh.Events;

namespace AgentMesh.Storage;

/// <summary>
/// The events table read as an outbox: every tenant's events in commit order, and named cursors that
/// remember how far a relay has published. A store that implements <see cref="IMeshStore"/> implements this
/// too, so relays (NATS, SIEM forwarding) resume from their cursor after a crash.
/// </summary>
public interface IEventOutbox
{
    /// <summary>Events of every tenant with a sequence above <paramref name="afterSequence"/>, oldest first, at most <paramref name="limit"/> (1–10000).</summary>
    Task<IReadOnlyList<MeshEvent>> ReadOutboxAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>The highest sequence ever committed (0 when there is none).</summary>
    Task<long> LastSequenceAsync(CancellationToken cancellationToken);

    /// <summary>The sequence saved under <paramref name="name"/>, or 0 when none was saved.</summary>
    Task<long> LoadCursorAsync(string name, CancellationToken cancellationToken);

    /// <summary>Saves <paramref name="sequence"/> under <paramref name="name"/>; a cursor never moves backwards (a lower value is ignored).</summary>
    Task SaveCursorAsync(string name, long sequence, CancellationToken cancellationToken);
}
