namespace AgentMesh.Nats.Outbox;

/// <summary>What the relay is doing, for the operators' health report.</summary>
/// <param name="State"><c>starting</c>, <c>publishing</c> (connected, caught up or catching up), <c>retrying</c> (NATS or the store failed; the outbox keeps every event) or <c>stopped</c>.</param>
/// <param name="Url">The NATS URL without credentials.</param>
/// <param name="Stream">The JetStream stream.</param>
/// <param name="Cursor">The last sequence the stream acknowledged and the relay saved.</param>
/// <param name="LastCommitted">The highest sequence the relay knows to be committed.</param>
/// <param name="Lag">Events committed but not yet published.</param>
/// <param name="Published">Events the stream acknowledged since the relay started (duplicates included).</param>
/// <param name="Failures">Publish rounds that failed since the relay started.</param>
/// <param name="OutageSince">When the current run of failures began; null while publishing works.</param>
/// <param name="LastError">The last failure's message, or null.</param>
public sealed record NatsRelayStatus(
    string State,
    string Url,
    string Stream,
    long Cursor,
    long LastCommitted,
    long Lag,
    long Published,
    long Failures,
    DateTimeOffset? OutageSince,
    string? LastError);
