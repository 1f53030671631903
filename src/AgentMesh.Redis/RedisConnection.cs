using System.Diagnostics;
using System.Net;
using AgentMesh.Redis.Connection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentMesh.Redis;

/// <summary>
/// The node's one multiplexed connection to Redis. It is made when the host starts, which goes on after one attempt
/// of <see cref="RedisOptions.ConnectTimeout"/> when Redis does not answer (<c>AbortOnConnectFail=false</c>), and it
/// reconnects by itself; while it is down, commands fail at once instead of
/// queueing (<see cref="BacklogPolicy.FailFast"/>), so callers fall back to deciding on their own.
/// </summary>
public sealed class RedisConnection : IHostedService, IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly ConfigurationOptions _configuration;
    private readonly ILogger<RedisConnection> _logger;
    private volatile ConnectionMultiplexer? _multiplexer;
    private volatile string? _lastError;
    private int _up;
    private readonly Lock _gate = new();
    private readonly List<Action<IConnectionMultiplexer>> _onConnection = [];

    /// <summary>Reads the settings; nothing is connected before <see cref="StartAsync"/>.</summary>
    public RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger)
    {
        _options = options.Value;
        _logger = logger;
        _configuration = ConfigurationOptions.Parse(_options.ConnectionString);
        _configuration.AbortOnConnectFail = false;
        _configuration.BacklogPolicy = BacklogPolicy.FailFast;
        _configuration.ConnectTimeout = (int)_options.ConnectTimeout.TotalMilliseconds;
        _configuration.ClientName ??= "agentmesh";
        Endpoint = string.Join(',', _configuration.EndPoints.Select(static e => e switch
        {
            DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
            _ => e.ToString() ?? "",
        }));
    }

    /// <summary>The configured endpoints, without credentials.</summary>
    public string Endpoint { get; }

    /// <summary>The settings the connection was made with.</summary>
    public RedisOptions Options => _options;

    /// <summary>Whether the connection is up (a frozen server still counts as up until a command times out).</summary>
    public bool IsConnected => _multiplexer is { IsConnected: true };

    /// <summary>The last connection failure's message, or null.</summary>
    public string? LastError => _lastError;

    internal IDatabase? Database => _multiplexer is { IsConnected: true } multiplexer ? multiplexer.GetDatabase() : null;

    /// <summary>
    /// The database to send commands to once the connection exists, up or not: while it is down a command fails at once
    /// (<see cref="BacklogPolicy.FailFast"/>), which is what a resilience pipeline should count.
    /// </summary>
    internal IDatabase? Commands => _multiplexer?.GetDatabase();

    /// <summary>Connects, or after one failed attempt goes on and lets the connection retry in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        RedisLog.Connecting(_logger, Endpoint);
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration).WaitAsync(cancellationToken);

        // Failed reconnection attempts raise ConnectionFailed again; only the change from up to down is logged.
        multiplexer.ConnectionFailed += (_, e) =>
        {
            _lastError = $"{e.FailureType}: {e.Exception?.Message}";
            if (e.ConnectionType == ConnectionType.Interactive && Interlocked.Exchange(ref _up, 0) == 1)
            {
                RedisLog.ConnectionFailed(_logger, Endpoint, e.FailureType.ToString(), e.Exception);
            }
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive && Interlocked.Exchange(ref _up, 1) == 0)
            {
                RedisLog.ConnectionRestored(_logger, Endpoint);
            }
        };
        if (multiplexer.IsConnected)
        {
            Interlocked.Exchange(ref _up, 1);
        }
        else
        {
            RedisLog.NotConnected(_logger, Endpoint);
        }

        Action<IConnectionMultiplexer>[] callbacks;
        lock (_gate)
        {
            _multiplexer = multiplexer;
            callbacks = [.. _onConnection];
        }

        foreach (var callback in callbacks)
        {
            callback(multiplexer);
        }
    }

    /// <summary>
    /// Calls <paramref name="callback"/> with the multiplexer once it exists (at once if it does already): for
    /// instrumentation that needs the connection, such as tracing of Redis commands.
    /// </summary>
    public void WhenCreated(Action<IConnectionMultiplexer> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ConnectionMultiplexer? existing;
        lock (_gate)
        {
            existing = _multiplexer;
            if (existing is null)
            {
                _onConnection.Add(callback);
            }
        }

        if (existing is not null)
        {
            callback(existing);
        }
    }

    /// <summary>Nothing to do: the connection stays usable until the host disposes of it.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A <c>PING</c> round trip, or null when Redis is down or does not answer within <paramref name="timeout"/>.</summary>
    public async Task<TimeSpan?> PingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Database is not { } database)
        {
            return null;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await database.PingAsync().WaitAsync(timeout, cancellationToken);
            return Stopwatch.GetElapsedTime(started);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary><c>connected</c>, <c>connecting</c> (before the first connection) or <c>disconnected</c>.</summary>
    public string State => _multiplexer switch
    {
        null => "connecting",
        { IsConnected: true } => "connected",
        _ => "disconnected",
    };

    /// <summary>Closes the connection without waiting for commands in flight.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer)
        {
            _multiplexer = null;
            await multiplexer.CloseAsync(allowCommandsToComplete: false);
            await multiplexer.DisposeAsync();
        }
    }
}
