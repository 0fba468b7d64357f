using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Devices;

/// <summary>A device went online or offline, and why.</summary>
public sealed record PresenceChange(string DeviceId, bool Online, string Cause, DateTimeOffset At);

/// <summary>
/// Tracks whether devices are online, from three sources: MQTT connections to the embedded broker, status
/// messages (including the broker-published last will "offline"), and silence longer than
/// <see cref="IngestOptions.SilenceTimeout"/> for devices without a live connection we can see.
/// Changes are persisted and announced off the ingest thread.
/// </summary>
public sealed class DevicePresence : BackgroundService, IDeviceMessageHandler
{
    private readonly DeviceRegistry _devices;
    private readonly TimeProvider _time;
    private readonly TimeSpan _silence;
    private readonly ILogger<DevicePresence> _logger;
    private readonly Channel<PresenceChange> _changes = Channel.CreateBounded<PresenceChange>(
        new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public DevicePresence(DeviceRegistry devices, TimeProvider time, IOptions<IngestOptions> options, MetricsRegistry metrics, ILogger<DevicePresence> logger)
    {
        _devices = devices;
        _time = time;
        _silence = options.Value.SilenceTimeout;
        _logger = logger;
        metrics.Gauge("sc_devices_online", "Registered devices currently online.", () => _devices.All.Count(d => d.Online));
        metrics.Gauge("sc_devices_registered", "Registered devices.", () => _devices.Count);
    }

    // Devices whose data comes from a recording (a camera analysing a file): once the file is analysed they go quiet,
    // which is not an outage, so silence never takes them offline (issue 16: a device_offline 5 min after each file).
    private readonly ConcurrentDictionary<string, byte> _recordings = new(StringComparer.Ordinal);

    /// <summary>Marks a device as fed by a recording (true) or by a live source again (false); see <see cref="CheckSilence"/>.</summary>
    public void FedByRecording(string deviceId, bool recording)
    {
        if (recording)
        {
            _recordings[deviceId] = 0;
        }
        else
        {
            _recordings.TryRemove(deviceId, out _);
        }
    }

    /// <summary>Raised on the presence loop's thread for every change (alerts subscribe to it).</summary>
    public event Action<PresenceChange>? Changed;

    public void OnConnected(string deviceId)
    {
        if (_devices.Get(deviceId) is { } device)
        {
            device.Connected = true;
            device.MarkSeen(_time.GetUtcNow().ToUnixTimeMilliseconds());
            Set(device, online: true, "connected");
        }
    }

    public void OnDisconnected(string deviceId, string cause)
    {
        if (_devices.Get(deviceId) is { } device)
        {
            device.Connected = false;
            Set(device, online: false, cause);
        }
    }

    void IDeviceMessageHandler.OnStatus(DeviceRuntime device, StatusMessage message) =>
        Set(device, message.State == StatusMessage.Online, "status " + message.State);

    void IDeviceMessageHandler.OnTelemetry(DeviceRuntime device, TelemetryMessage message, long receivedTimestamp)
    {
        if (!device.Online)
        {
            Set(device, online: true, "data");
        }
    }

    void IDeviceMessageHandler.OnEvent(DeviceRuntime device, EventMessage message, long receivedTimestamp)
    {
        if (!device.Online)
        {
            Set(device, online: true, "data");
        }
    }

    /// <summary>Marks silent devices offline. Called by the loop every few seconds and by tests directly.</summary>
    public void CheckSilence()
    {
        var cutoff = _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)_silence.TotalMilliseconds;
        foreach (var device in _devices.All)
        {
            if (device.Online && !device.Connected && device.LastSeenUnixMs < cutoff && !_recordings.ContainsKey(device.Id))
            {
                Set(device, online: false, "silent");
            }
        }
    }

    private void Set(DeviceRuntime device, bool online, string cause)
    {
        if (device.SetOnline(online))
        {
            _changes.Writer.TryWrite(new PresenceChange(device.Id, online, cause, _time.GetUtcNow()));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), _time);
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        while (!stoppingToken.IsCancellationRequested)
        {
            var read = _changes.Reader.WaitToReadAsync(stoppingToken).AsTask();
            var done = await Task.WhenAny(read, tick).ConfigureAwait(false);
            if (done == tick)
            {
                if (!await SafeAsync(tick).ConfigureAwait(false))
                {
                    return;
                }

                CheckSilence();
                tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
            }

            while (_changes.Reader.TryRead(out var change))
            {
                Publish(change);
            }
        }
    }

    private void Publish(PresenceChange change)
    {
        if (_devices.Get(change.DeviceId) is not { } device)
        {
            return;
        }

        try
        {
            _devices.SavePresence(device);
            _logger.LogInformation("Device {Device} is {State} ({Cause})", change.DeviceId, change.Online ? "online" : "offline", change.Cause);
            Changed?.Invoke(change);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Could not record presence of {Device}", change.DeviceId);
        }
    }

    private static async Task<bool> SafeAsync(Task<bool> tick)
    {
        try
        {
            return await tick.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
