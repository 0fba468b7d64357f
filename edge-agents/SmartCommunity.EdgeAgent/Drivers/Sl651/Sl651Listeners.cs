using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SmartCommunity.Sl651.Framing;
using SmartCommunity.Sl651.Reports;

namespace SmartCommunity.EdgeAgent.Drivers.Sl651;

/// <summary>
/// The agent's SL 651 listeners, one per endpoint, shared by the devices configured on it (a singleton). The first
/// device on an endpoint starts the listener, the last one to leave stops it.
/// </summary>
public sealed class Sl651Listeners(ILogger<Sl651Listeners> logger) : IAsyncDisposable
{
    /// <summary>Reports a device's driver has not yet published; beyond this the RTU gets no ack and resends.</summary>
    internal const int StationQueueCapacity = 256;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<IPEndPoint, Sl651Listener> _listeners = [];

    /// <summary>The running listeners (for their counters on /metrics).</summary>
    public IReadOnlyList<Sl651Listener> All
    {
        get
        {
            lock (_listeners)
            {
                return [.. _listeners.Values];
            }
        }
    }

    /// <summary>The listener on <paramref name="endPoint"/>, if a device uses it (for counters).</summary>
    public Sl651Listener? Find(IPEndPoint endPoint)
    {
        lock (_listeners)
        {
            return _listeners.GetValueOrDefault(endPoint);
        }
    }

    /// <summary>
    /// Routes the reports of <paramref name="settings"/>' stations to the returned subscription, starting the
    /// endpoint's listener if needed. Throws when the port cannot be bound, when another device on the same listener
    /// claims one of the stations, or when its listener settings differ from those the listener runs with.
    /// </summary>
    public async Task<Sl651Subscription> SubscribeAsync(string deviceId, Sl651DriverSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var options = settings.ServerOptions();
        var stations = settings.StationAddresses();
        var endPoint = options.ToEndPoint();
        var reports = Channel.CreateBounded<Sl651Report>(new BoundedChannelOptions(StationQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // the server only TryWrites: when full, no ack, the RTU resends
        });

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var listener = Find(endPoint);
            if (listener is null)
            {
                listener = new Sl651Listener(options, time, logger);
                try
                {
                    listener.Start(); // throws SocketException if the port is taken
                }
                catch
                {
                    await listener.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                lock (_listeners)
                {
                    _listeners[endPoint] = listener;
                }

                logger.LogInformation("SL 651 listener started on {EndPoint}.", endPoint);
            }
            else if (Differs(listener.Options, options) is { } setting)
            {
                throw new InvalidOperationException(
                    $"Device {deviceId}: the SL 651 listener on {endPoint} is shared with other devices, which set a different {setting}; listener settings must agree.");
            }

            if (listener.TryAdd(stations, deviceId, reports.Writer) is { } taken)
            {
                await StopIfUnusedAsync(listener).ConfigureAwait(false);
                throw new InvalidOperationException($"Device {deviceId}: SL 651 station {taken} on {endPoint} already belongs to another device.");
            }

            return new Sl651Subscription(this, listener, stations, reports);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal async Task UnsubscribeAsync(Sl651Subscription subscription)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            subscription.Listener.Remove(subscription.Stations, subscription.Writer);
            subscription.Writer.TryComplete();
            await StopIfUnusedAsync(subscription.Listener).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StopIfUnusedAsync(Sl651Listener listener)
    {
        if (!listener.IsEmpty)
        {
            return;
        }

        lock (_listeners)
        {
            _listeners.Remove(listener.EndPoint);
        }

        // Inside the gate: a device re-subscribing to the port waits until it is free again.
        await listener.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops listeners whose devices did not unsubscribe (the host is going away).</summary>
    public async ValueTask DisposeAsync()
    {
        Sl651Listener[] left;
        lock (_listeners)
        {
            left = [.. _listeners.Values];
            _listeners.Clear();
        }

        foreach (var listener in left)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }

    private static string? Differs(SmartCommunity.Sl651.Server.Sl651ServerOptions running, SmartCommunity.Sl651.Server.Sl651ServerOptions wanted) =>
        running.StationUtcOffset != wanted.StationUtcOffset ? "StationUtcOffsetHours"
        : running.AckEndChar != wanted.AckEndChar ? "StayOnline"
        : running.IdleTimeout != wanted.IdleTimeout ? "IdleTimeoutSeconds"
        : running.MaxConnections != wanted.MaxConnections ? "MaxConnections"
        : running.SetClockWhenOffBy != wanted.SetClockWhenOffBy ? "SetClockWhenOffByMinutes"
        : null;
}

/// <summary>One device's share of a listener: its reports, until disposed.</summary>
public sealed class Sl651Subscription : IAsyncDisposable
{
    private readonly Sl651Listeners _owner;
    private readonly Channel<Sl651Report> _reports;
    private int _disposed;

    internal Sl651Subscription(Sl651Listeners owner, Sl651Listener listener, IReadOnlyList<Sl651StationAddress> stations, Channel<Sl651Report> reports)
    {
        _owner = owner;
        Listener = listener;
        Stations = stations;
        _reports = reports;
    }

    public Sl651Listener Listener { get; }

    public IReadOnlyList<Sl651StationAddress> Stations { get; }

    /// <summary>Reports from this device's stations, already acknowledged to the RTU.</summary>
    public ChannelReader<Sl651Report> Reports => _reports.Reader;

    internal ChannelWriter<Sl651Report> Writer => _reports.Writer;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _owner.UnsubscribeAsync(this).ConfigureAwait(false);
        }
    }
}
