using System.Collections.Concurrent;
using System.Threading.Channels;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Metrics;

namespace SmartCommunity.Gateway.Live;

/// <summary>One event for dashboards. <see cref="Json"/> is serialised once by the publisher, whatever the number of viewers.</summary>
/// <param name="Topic">What it is about (<c>alert</c>, <c>shelter</c>, …); also the SSE event name.</param>
/// <param name="CellId">The grid cell it concerns; null means staff only.</param>
public sealed record LiveEvent(string Topic, string? CellId, string Json);

/// <summary>
/// A small in-process hub for the live stream any feature can publish to. Each viewer has its own bounded
/// queue (oldest dropped and counted when a dashboard cannot keep up), so a slow viewer never slows a
/// publisher nor the other viewers. Events are filtered by the viewer's visible cells and chosen topics.
/// </summary>
public sealed class LiveHub
{
    /// <summary>Events queued per viewer before the oldest is dropped.</summary>
    public const int ViewerQueue = 1_000;

    private readonly ConcurrentDictionary<long, LiveSubscription> _subscriptions = new();
    private readonly Counter _published;
    private readonly Counter _dropped;
    private long _nextId;

    public LiveHub(MetricsRegistry metrics)
    {
        _published = metrics.Counter("sc_live_events_total", "Events published to the live stream.");
        _dropped = metrics.Counter("sc_live_dropped_total", "Live events dropped for viewers that could not keep up.");
        metrics.Gauge("sc_live_viewers", "Open live-stream connections.", () => _subscriptions.Count);
    }

    /// <summary>
    /// Cluster mode (<see cref="Cluster.ClusterLiveRelay"/>): every event published here also goes to the other
    /// gateways, whose viewers must see it. Null with one gateway.
    /// </summary>
    public Action<LiveEvent>? Forward { get; set; }

    /// <summary>An event another gateway published (the alerts engine refreshes its copy of an alert from it).</summary>
    public event Action<LiveEvent>? Relayed;

    /// <summary>Lets publishers skip serialising when nobody watches (here or, in cluster mode, on another gateway).</summary>
    public bool HasSubscribers => Forward is not null || !_subscriptions.IsEmpty;

    public void Publish(LiveEvent liveEvent)
    {
        Offer(liveEvent);
        Forward?.Invoke(liveEvent);
    }

    /// <summary>An event from another gateway: to this gateway's viewers, not forwarded again.</summary>
    public void PublishRelayed(LiveEvent liveEvent)
    {
        Offer(liveEvent);
        Relayed?.Invoke(liveEvent);
    }

    private void Offer(LiveEvent liveEvent)
    {
        _published.Inc();
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.Offer(liveEvent);
        }
    }

    /// <param name="cells">Cells the viewer may see.</param>
    /// <param name="topics">Topics wanted; null or empty means all.</param>
    public LiveSubscription Subscribe(CellScope cells, IReadOnlySet<string>? topics)
    {
        var id = Interlocked.Increment(ref _nextId);
        var subscription = new LiveSubscription(cells, topics, _dropped, () => _subscriptions.TryRemove(id, out _));
        _subscriptions[id] = subscription;
        return subscription;
    }
}

/// <summary>One viewer's filtered queue. Dispose to unsubscribe.</summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly CellScope _cells;
    private readonly IReadOnlySet<string>? _topics;
    private readonly Channel<LiveEvent> _queue;
    private readonly Action _remove;

    internal LiveSubscription(CellScope cells, IReadOnlySet<string>? topics, Counter dropped, Action remove)
    {
        _cells = cells;
        _topics = topics is { Count: > 0 } ? topics : null;
        _remove = remove;
        _queue = Channel.CreateBounded<LiveEvent>(
            new BoundedChannelOptions(LiveHub.ViewerQueue) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => dropped.Inc());
    }

    public ChannelReader<LiveEvent> Reader => _queue.Reader;

    internal void Offer(LiveEvent liveEvent)
    {
        if ((_topics is null || _topics.Contains(liveEvent.Topic))
            && _cells.Contains(liveEvent.CellId))
        {
            _queue.Writer.TryWrite(liveEvent);
        }
    }

    public void Dispose()
    {
        _remove();
        _queue.Writer.TryComplete();
    }
}
