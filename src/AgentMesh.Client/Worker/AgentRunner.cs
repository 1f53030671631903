using System.Collections.Concurrent;
using System.Threading.Channels;
using AgentMesh.Client.Autonomy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Client.Worker;

/// <summary>
/// Runs one agent against a node: registers it, long-polls for work, decides on each assignment, runs accepted ones
/// in a local bulkhead (<see cref="AgentDefinition.MaxConcurrency"/> handlers plus a bounded queue of
/// <see cref="AgentDefinition.QueueCapacity"/>), heartbeats held leases, batches results, and drains on shutdown.
/// Uses no thread of its own; many runners can share one process and one <see cref="AgentMeshClient"/>.
/// </summary>
public sealed partial class AgentRunner
{
    private const int MaxBatch = 100;
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(5);

    private readonly AgentMeshClient _client;
    private readonly string _tenant;
    private readonly string _agentId;
    private readonly AgentRegistration _registration;
    private readonly Capability[] _capabilities;
    private readonly int _slots;
    private readonly int _capacity;
    private readonly IAgentHandler _handler;
    private readonly AgentRunnerOptions _options;
    private readonly AutonomyPolicy _autonomy;
    private readonly ILogger _logger;
    private readonly ILogger _handlerLogger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, HeldTask> _held = new(StringComparer.Ordinal);
    private readonly Channel<HeldTask> _work;
    private readonly Channel<PendingResult> _results;
    private readonly Channel<bool> _wake;
    private readonly SuccessRateWindow _successRate = new();
    private readonly HandlerBreaker _breaker;
    private int _reserved;
    private int _state;
    private int _started;
    private int _unavailable;

    /// <summary>The handler breaker's state: <see cref="HandlerBreakerState.Open"/> while the agent declines work after repeated handler failures.</summary>
    public HandlerBreakerState BreakerState => _breaker.State;

    /// <summary>Creates a runner; nothing happens until <see cref="RunAsync"/>.</summary>
    /// <param name="client">The client to talk to the node with; shared by many runners.</param>
    /// <param name="tenant">The tenant the agent belongs to.</param>
    /// <param name="agent">The agent's registration and bulkhead; copied here, later changes have no effect.</param>
    /// <param name="handler">What the agent does with a task.</param>
    /// <param name="options">Timing, autonomy and hooks; the defaults when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Loggers; none by default.</param>
    /// <param name="timeProvider">Clock; <see cref="TimeProvider.System"/> by default.</param>
    public AgentRunner(
        AgentMeshClient client,
        string tenant,
        AgentDefinition agent,
        IAgentHandler handler,
        AgentRunnerOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(handler);
        agent.Validate();
        options ??= new AgentRunnerOptions();
        options.Validate();

        _client = client;
        _tenant = tenant;
        _agentId = agent.Id;
        _registration = agent.ToRegistration();
        _capabilities = [.. agent.Capabilities];
        _slots = agent.MaxConcurrency;
        _capacity = agent.MaxConcurrency + agent.QueueCapacity;
        _handler = handler;
        _options = options;
        _autonomy = new AutonomyPolicy(options.Autonomy);
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<AgentRunner>();
        _handlerLogger = loggerFactory.CreateLogger(handler.GetType());
        _time = timeProvider ?? TimeProvider.System;
        _breaker = new HandlerBreaker(options.Breaker, _time);

        // Never more accepted tasks than slots plus queue: a full channel means the poll asked for too much.
        _work = Channel.CreateBounded<HeldTask>(new BoundedChannelOptions(_capacity) { SingleWriter = true });

        // Full: handlers wait for the sender (backpressure), which only happens while the node is unreachable.
        _results = Channel.CreateBounded<PendingResult>(new BoundedChannelOptions(Math.Max(2 * _capacity, 256)) { SingleReader = true });

        // An auto-reset signal: capacity was freed or the agent resumed.
        _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    }

    /// <summary>The agent's id.</summary>
    public string AgentId => _agentId;

    /// <summary>The runner's local state.</summary>
    public AgentRunState State => (AgentRunState)Volatile.Read(ref _state);

    /// <summary>Tasks accepted and not yet finished by their handler (running or queued).</summary>
    public int InFlight => Volatile.Read(ref _reserved);

    /// <summary>Stops polling; in-flight work continues, and assignments that still arrive are declined.</summary>
    public void Pause() => Interlocked.CompareExchange(ref _state, (int)AgentRunState.Paused, (int)AgentRunState.Active);

    /// <summary>Resumes polling after <see cref="Pause"/>.</summary>
    public void Resume()
    {
        Interlocked.CompareExchange(ref _state, (int)AgentRunState.Active, (int)AgentRunState.Paused);
        _wake.Writer.TryWrite(true);
    }

    /// <summary>
    /// Registers the agent, then works until <paramref name="cancellationToken"/> fires; then drains: stops polling,
    /// lets in-flight handlers finish for up to <see cref="AgentRunnerOptions.ShutdownTimeout"/>, declines queued
    /// tasks and flushes results. A runner runs once.
    /// </summary>
    /// <exception cref="AgentMeshApiException">The node refused the agent for good (unauthenticated, forbidden, terminated, invalid).</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("An AgentRunner runs once.");
        }

        Agent registered;
        try
        {
            registered = await RegisterAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        _options.OnRegistered?.Invoke(registered);

        using var background = new CancellationTokenSource();
        using var flush = new CancellationTokenSource();
        var executors = new Task[_slots];
        for (var i = 0; i < executors.Length; i++)
        {
            executors[i] = ExecuteLoopAsync();
        }

        var sender = SendLoopAsync(flush.Token);
        var heartbeats = HeartbeatLoopAsync(background.Token);
        try
        {
            await PollLoopAsync(cancellationToken);
        }
        finally
        {
            await DrainAsync(executors, sender, flush);
            await background.CancelAsync();
            await heartbeats;
            WorkerLog.Stopped(_logger, _agentId);
        }
    }

    private async Task<Agent> RegisterAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await _client.RegisterAgentAsync(_tenant, _agentId, _registration, cancellationToken);
                WorkerLog.Registered(_logger, _agentId, _tenant, _slots);
                return result.Agent;
            }
            catch (Exception exception) when (TransientFailure.Is(exception, cancellationToken))
            {
                var delay = Backoff.Delay(attempt, exception);
                WorkerLog.RegisterRetrying(_logger, _agentId, exception.Message, delay, WorkerLog.Attached(_logger, exception, cancellationToken));
                await Task.Delay(delay, _time, cancellationToken);
            }
        }
    }

    private async Task DrainAsync(Task[] executors, Task sender, CancellationTokenSource flush)
    {
        Volatile.Write(ref _state, (int)AgentRunState.Draining);
        WorkerLog.Draining(_logger, _agentId, InFlight);
        _work.Writer.TryComplete();
        var handlers = Task.WhenAll(executors);
        if (!await CompletesWithinAsync(handlers, _options.ShutdownTimeout))
        {
            WorkerLog.DrainTimedOut(_logger, _agentId, _options.ShutdownTimeout);
            foreach (var held in _held.Values)
            {
                held.Cancel(CancelReason.Shutdown);
            }

            if (!await CompletesWithinAsync(handlers, FlushTimeout))
            {
                WorkerLog.HandlersAbandoned(_logger, _agentId);
            }
        }

        _results.Writer.TryComplete();
        if (!await CompletesWithinAsync(sender, FlushTimeout))
        {
            await flush.CancelAsync();
            await sender;
        }
    }

    private async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout, _time);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Release(HeldTask held)
    {
        _held.TryRemove(new KeyValuePair<string, HeldTask>(held.Assignment.TaskId, held));
        held.Dispose();
    }
}
