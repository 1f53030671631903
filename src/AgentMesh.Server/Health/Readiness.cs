using System.Diagnostics.Metrics;
using AgentMesh.Engine;
using AgentMesh.Nats.Outbox;
using AgentMesh.Redis;
using AgentMesh.Resilience;
using AgentMesh.Server.Cluster;
using AgentMesh.Telemetry;

namespace AgentMesh.Server.Health;

/// <summary>
/// What <c>/health/ready</c> answers — embedded: the store answers, no store breaker is open and the engine runs;
/// cluster: the same, with this node leading or following a known leader; Redis and the NATS relay (and their
/// breakers) show as <c>healthy</c> or <c>degraded</c> without making the node unready — and the gauge <c>agentmesh_node_ready</c>
/// (1 ready, 0 not), checked every few seconds as well as on each probe, so an alert can fire on a node no
/// orchestrator probes.
/// </summary>
internal sealed class Readiness : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>How long events may wait with nothing published before the relay reads as degraded.</summary>
    private static readonly TimeSpan RelayStalledAfter = TimeSpan.FromSeconds(10);

    private readonly MeshEngine _engine;
    private readonly ClusterState? _cluster;
    private readonly RedisConnection? _redis;
    private readonly TimeSpan _redisTimeout;
    private readonly NatsOutboxRelay? _relay;
    private readonly DependencyBreakers? _breakers;
    private readonly TimeProvider _time;
    private volatile bool _ready;
    private readonly Lock _relayGate = new();
    private long _relayPublished = -1;
    private long _relayProgressAt;

    public Readiness(MeshEngine engine, IServiceProvider services, IMeterFactory meterFactory, TimeProvider time)
    {
        _engine = engine;
        _cluster = services.GetService<ClusterState>();
        _redis = services.GetService<RedisConnection>();
        _redisTimeout = services.GetRequiredService<DependencyPipelines>().Options(Dependencies.Redis).Timeout;
        _relay = services.GetService<NatsOutboxRelay>();
        _breakers = services.GetService<DependencyBreakers>();
        _time = time;
        meterFactory.Create(MeshTelemetry.Name).CreateObservableGauge(
            "agentmesh.node.ready", () => _ready ? 1 : 0, "{node}", "1 while the node is ready (what /health/ready answers), else 0.");
    }

    public async Task<(bool Ready, Dictionary<string, string> Checks)> CheckAsync(CancellationToken cancellationToken)
    {
        var storeUp = await HealthEndpoints.PingAsync(_engine, cancellationToken);
        var checks = new Dictionary<string, string> { ["store"] = storeUp ? "healthy" : "unhealthy" };
        if (_redis is not null)
        {
            // Degraded while Redis does not answer, and while its breaker has the node decide on its own.
            var answers = await _redis.PingAsync(_redisTimeout, cancellationToken) is not null;
            var closed = _breakers is null || _breakers.StateOf(Dependencies.Redis) == BreakerState.Closed;
            checks["redis"] = answers && closed ? "healthy" : "degraded";
        }

        if (_relay is not null)
        {
            // The event bus shows but never makes the node unready: the outbox keeps every event until NATS takes it.
            // Only the leader publishes; a follower's relay waits for its turn.
            checks["nats"] = _cluster is { Role: not ClusterRole.Leader } ? "standby" : RelayCheck(_relay.Status);
        }

        bool serving;
        if (_cluster is null || _cluster.Role == ClusterRole.Leader)
        {
            serving = _engine.IsRunning && !_engine.IsDiverged;
            checks["engine"] = !_engine.IsRunning ? "unhealthy" : _engine.IsDiverged ? "reloading" : "healthy";
        }
        else
        {
            serving = _cluster.LeaderUrl is not null;
            checks["engine"] = "follower";
        }

        if (_cluster is not null)
        {
            checks["cluster"] = _cluster.Role == ClusterRole.Leader ? "leader" : _cluster.LeaderUrl is { } leader ? $"following {leader}" : "no leader";
        }

        var breakersAllow = BreakersAllow(checks);
        var ready = storeUp && serving && breakersAllow;
        _ready = ready;
        return (ready, checks);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        do
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception) when (!stoppingToken.IsCancellationRequested)
            {
                // A check that cannot even be made is a node that is not ready; the next tick checks again.
                _ready = false;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// <c>degraded</c> while the relay retries, or while events wait and none was published for
    /// <see cref="RelayStalledAfter"/> (a frozen NATS leaves the relay waiting on its connection without a failure).
    /// </summary>
    private string RelayCheck(NatsRelayStatus relay)
    {
        if (relay.State == "retrying")
        {
            return "degraded";
        }

        if (relay.State != "publishing")
        {
            return relay.State;
        }

        var now = _time.GetTimestamp();
        lock (_relayGate)
        {
            if (relay.Lag == 0 || relay.Published != _relayPublished)
            {
                _relayPublished = relay.Published;
                _relayProgressAt = now;
                return "healthy";
            }

            return _time.GetElapsedTime(_relayProgressAt, now) < RelayStalledAfter ? "healthy" : "degraded";
        }
    }

    /// <summary>
    /// A store breaker that is not closed makes the node unready; the NATS and Redis breakers only show (the outbox keeps
    /// every event; without Redis the node limits and caches on its own).
    /// </summary>
    private bool BreakersAllow(Dictionary<string, string> checks)
    {
        var notClosed = (_breakers?.States ?? new Dictionary<string, BreakerState>()).Where(static b => b.Value != BreakerState.Closed).ToList();
        checks["breakers"] = notClosed.Count == 0 ? "closed" : string.Join(", ", notClosed.Select(static b => $"{b.Key} {DependencyBreakers.Name(b.Value)}"));
        return notClosed.All(static b => Dependencies.IsOptional(b.Key));
    }
}
