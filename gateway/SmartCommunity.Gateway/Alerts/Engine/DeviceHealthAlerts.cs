using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Video.Cameras;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>
/// Device health as alerts: a registered device offline past the grace period, or dropping too often, raises a
/// yellow <c>device_offline</c> alert in its cell; staying online for the recovery hold resolves it
/// (<see cref="DeviceHealthTracker"/>, settings <c>Alerts:DeviceHealth</c>). A device that is a camera in the video
/// registry (a GB/T 28181 channel or IPC) reports through <c>camera_down</c> instead, from its stream, as an RTSP camera does.
/// </summary>
internal sealed class DeviceHealthAlerts : IHostedService, IDisposable
{
    public const string Type = "device_offline";

    private readonly DevicePresence _presence;
    private readonly DeviceRegistry _devices;
    private readonly ICameraCatalog _cameras;
    private readonly IAlertService _alerts;
    private readonly TimeProvider _time;
    private readonly DeviceHealthTracker _tracker;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;

    public DeviceHealthAlerts(DevicePresence presence, DeviceRegistry devices, ICameraCatalog cameras, IAlertService alerts, TimeProvider time, IOptions<AlertsOptions> options)
    {
        _presence = presence;
        _devices = devices;
        _cameras = cameras;
        _alerts = alerts;
        _time = time;
        _tracker = new DeviceHealthTracker(options.Value.DeviceHealth);
        // A one-second check is precise enough for minutes of grace, and cheap: the tracker holds only devices in trouble.
        _timer = time.CreateTimer(_ => Check(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _presence.Changed += OnChanged;
        _timer.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _presence.Changed -= OnChanged;
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public void Dispose() => _timer.Dispose();

    private void OnChanged(PresenceChange change)
    {
        if (_cameras.Find(change.DeviceId) is not null)
        {
            return; // Its stream raises camera_down (CameraDownAlerts); one outage, one alert.
        }

        lock (_lock)
        {
            if (change.Online)
            {
                _tracker.Online(change.DeviceId, change.At);
            }
            else
            {
                _tracker.Offline(change.DeviceId, change.Cause, change.At);
            }
        }

        Check(); // A zero grace or hold acts at once.
    }

    private void Check()
    {
        List<DeviceHealthDecision> due;
        lock (_lock)
        {
            due = _tracker.Due(_time.GetUtcNow());
        }

        foreach (var decision in due)
        {
            var source = new AlertSource("device", decision.DeviceId);
            if (decision.Action == DeviceHealthAction.Resolve)
            {
                _alerts.Resolve(source, Type, "device online again and stable");
                continue;
            }

            var device = _devices.Get(decision.DeviceId)?.Device;
            var zh = BilingualName.Zh(device?.Name ?? decision.DeviceId);
            var en = BilingualName.En(device?.Name ?? decision.DeviceId);
            var text = decision.Action == DeviceHealthAction.RaiseFlapping
                ? new AlertText($"{zh}连接不稳定：近期断线 {decision.Outages} 次。", $"{en} keeps dropping: {decision.Outages} disconnects recently.")
                : new AlertText($"{zh}离线（{CauseZh(decision.Cause)}）。", $"{en} went offline ({decision.Cause}).");
            _alerts.Raise(new AlertTrigger(source, Type, AlertLevel.Yellow, device?.CellId,
                new AlertText($"设备离线：{zh}", $"Device offline: {en}"), text)
            {
                Area = device?.Lat is { } lat && device.Lon is { } lon ? new AlertArea(lat, lon) : null,
                Category = "Infra",
            });
        }
    }

    // The presence causes (EmbeddedBroker, the GB/T 28181 registrar) are English words for logs; a Chinese text says them in Chinese.
    private static string CauseZh(string cause) => cause switch
    {
        "disconnected" => "设备主动断开",
        "connection lost" => "连接中断",
        "sip unregistered" => "信令注销",
        _ when cause.StartsWith("sip ", StringComparison.Ordinal) => "信令心跳超时",
        _ => "连接中断",
    };
}
