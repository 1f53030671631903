using System.Threading.Channels;

namespace AgentMesh.Events;

/// <summary>
/// Fans committed events out to live subscribers (SSE streams). Each subscriber has a bounded channel;
/// a subscriber that falls that far behind is cut off (its stream ends) and resumes from the store
/// with its last sequence, so a slow reader never slows the mesh.
/// </summary>
public sealed class EventHub
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<EventSubscription>> _byTenant = new(StringComparer.Ordinal);

    private long _lastPublished;
    private TaskCompletionSource? _nextPublish;

    /// <summary>Subscribers cut off because their buffer was full.</summary>
    public long Overflows { get; private set; }

    /// <summary>The highest sequence published by this process so far; 0 before its first commit.</summary>
    public long LastPublished
    {
        get
        {
            lock (_gate)
            {
                return _lastPublished;
            }
        }
    }

    /// <summary>
    /// Completes once an event with a sequence above <paramref name="sequence"/> is published (at once if one
    /// already was): a wake-up for readers of the store, such as outbox relays. It never faults or cancels;
    /// race it with a delay to bound the wait.
    /// </summary>
    public Task WhenPublishedAfter(long sequence)
    {
        lock (_gate)
        {
            if (_lastPublished > sequence)
            {
                return Task.CompletedTask;
            }

            _nextPublish ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _nextPublish.Task;
        }
    }

    public EventSubscription Subscribe(string tenant, IReadOnlyCollection<string>? types, Guid? taskId, int capacity = 10_000)
    {
        var subscription = new EventSubscription(this, tenant, types, taskId, capacity);
        lock (_gate)
        {
            subscription.StartSequence = _lastPublished;
            if (!_byTenant.TryGetValue(tenant, out var list))
            {
                list = [];
                _byTenant[tenant] = list;
            }

            list.Add(subscription);
        }

        return subscription;
    }

    internal void Unsubscribe(EventSubscription subscription)
    {
        lock (_gate)
        {
            if (_byTenant.TryGetValue(subscription.Tenant, out var list))
            {
                list.Remove(subscription);
                if (list.Count == 0)
                {
                    _byTenant.Remove(subscription.Tenant);
                }
            }
        }
    }

    public void Publish(IReadOnlyList<MeshEvent> events)
    {
        lock (_gate)
        {
            if (events.Count > 0)
            {
                _lastPublished = Math.Max(_lastPublished, events[^1].Sequence);
                _nextPublish?.TrySetResult();
                _nextPublish = null;
            }

            if (_byTenant.Count == 0)
            {
                return;
            }

            foreach (var meshEvent in events)
            {
                if (!_byTenant.TryGetValue(meshEvent.Tenant, out var list))
                {
                    continue;
                }

                for (var i = list.Count - 1; i >= 0; i--)
                {
                    var subscription = list[i];
                    if (subscription.Matches(meshEvent) && !subscription.Writer.TryWrite(meshEvent))
                    {
                        subscription.Writer.TryComplete(new EventStreamOverflowException());
                        list.RemoveAt(i);
                        Overflows++;
                    }
                }
            }
        }
    }
}

/// <summary>A live feed of one tenant's events; dispose to stop it.</summary>
public sealed class EventSubscription : IDisposable
{
    private readonly EventHub _hub;
    private readonly Channel<MeshEvent> _channel;
    private readonly IReadOnlyCollection<string>? _types;
    private readonly Guid? _taskId;

    internal EventSubscription(EventHub hub, string tenant, IReadOnlyCollection<string>? types, Guid? taskId, int capacity)
    {
        _hub = hub;
        Tenant = tenant;
        _types = types is { Count: > 0 } ? types : null;
        _taskId = taskId;
        _channel = Channel.CreateBounded<MeshEvent>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public string Tenant { get; }

    /// <summary>The last sequence published before this subscription began: every later event reaches it.</summary>
    public long StartSequence { get; internal set; }

    public ChannelReader<MeshEvent> Reader => _channel.Reader;

    internal ChannelWriter<MeshEvent> Writer => _channel.Writer;

    internal bool Matches(MeshEvent meshEvent) =>
        (_types is null || _types.Contains(meshEvent.Type)) && (_taskId is null || meshEvent.TaskId == _taskId);

    public void Dispose()
    {
        _hub.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}

/// <summary>The subscriber fell too far behind; resume from the last sequence received.</summary>
public sealed class EventStreamOverflowException() : Exception("The event stream fell too far behind and was closed; resume with the last event id.");
