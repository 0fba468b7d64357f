using SmartCommunity.Gateway.Devices;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>
/// Device health as alerts: a registered device going offline raises a yellow <c>device_offline</c> alert in its
/// cell; coming back resolves it.
/// </summary>
internal sealed class DeviceHealthAlerts(DevicePresence presence, DeviceRegistry devices, IAlertService alerts) : IHostedService
{
    public const string Type = "device_offline";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        presence.Changed += OnChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        presence.Changed -= OnChanged;
        return Task.CompletedTask;
    }

    private void OnChanged(PresenceChange change)
    {
        var source = new AlertSource("device", change.DeviceId);
        if (change.Online)
        {
            alerts.Resolve(source, Type, "device online again (" + change.Cause + ")");
            return;
        }

        var device = devices.Get(change.DeviceId)?.Device;
        alerts.Raise(new AlertTrigger(source, Type, AlertLevel.Yellow, device?.CellId,
            new AlertText($"设备离线：{device?.Name ?? change.DeviceId}", $"Device offline: {device?.Name ?? change.DeviceId}"),
            new AlertText($"设备 {change.DeviceId} 离线（{change.Cause}）。", $"Device {change.DeviceId} went offline ({change.Cause})."))
        {
            Area = device?.Lat is { } lat && device.Lon is { } lon ? new AlertArea(lat, lon) : null,
            Category = "Infra",
        });
    }
}
