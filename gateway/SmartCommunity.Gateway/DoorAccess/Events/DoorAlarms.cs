using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.DoorAccess.Events;

/// <summary>What a door unit's last events say about it: power, the newest event, denials in the current window.</summary>
public sealed record DoorUnitState(bool PowerLost, DateTimeOffset? LastEventAt, string? LastEventType, int DeniedInWindow);

/// <summary>
/// Door events as alerts, routed by the unit's grid cell (source <c>door:{unit}</c>). Forced (red), held open
/// (yellow, type <c>door_held_open</c>), tamper (orange) and denied bursts fold into the alerts engine's
/// <c>door_burst</c> group, which keeps the highest level and resolves after its quiet window; duress (red) and
/// power loss (orange, resolved by <c>power_restored</c>) are alerts of their own. Called only for events
/// stored for the first time, so a replay never alarms twice. Owned by the door-event loop (one thread).
/// </summary>
public sealed class DoorAlarms(IAlertService alerts, DeviceRegistry devices, IOptions<DoorAccessOptions> options, IOptions<AlertsOptions> alertOptions)
{
    public const string Forced = "door_forced";
    public const string HeldOpen = "door_held_open";
    public const string Tamper = "tamper";
    public const string Denied = "door_denied";
    public const string Duress = "door_duress";
    public const string PowerLoss = "door_power_loss";

    private readonly DoorAccessOptions _options = options.Value;
    private readonly Dictionary<string, DeniedWindow> _denied = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DoorUnitState> _units = new(StringComparer.Ordinal);

    /// <summary>The unit's state as its events left it (null before its first event since start).</summary>
    public DoorUnitState? Unit(string deviceId) => _units.GetValueOrDefault(deviceId);

    public void OnStored(DoorEvent e)
    {
        var source = new AlertSource("door", e.DeviceId);
        var unit = _units.GetValueOrDefault(e.DeviceId) ?? new DoorUnitState(false, null, null, 0);
        if (unit.LastEventAt is null || e.At >= unit.LastEventAt)
        {
            unit = unit with { LastEventAt = e.At, LastEventType = e.Type };
        }

        switch (e.Type)
        {
            case EventTypes.DoorForced:
                Raise(e, source, Forced, AlertLevel.Red, "门被强行打开", "Door forced open");
                break;
            case EventTypes.DoorHeld:
                Raise(e, source, HeldOpen, AlertLevel.Yellow, "门长时间未关", "Door held open too long");
                break;
            case EventTypes.Tamper:
                Raise(e, source, Tamper, AlertLevel.Orange, "门禁设备被破坏", "Door unit tampered with");
                break;
            case EventTypes.Duress:
                Raise(e, source, Duress, AlertLevel.Red, "胁迫报警", "Duress alarm");
                break;
            case EventTypes.PowerLoss:
                unit = unit with { PowerLost = true };
                Raise(e, source, PowerLoss, AlertLevel.Orange, "门禁断电", "Door unit lost power");
                break;
            case EventTypes.PowerRestored:
                unit = unit with { PowerLost = false };
                alerts.Resolve(source, PowerLoss, "power restored at " + e.At.ToString("O", CultureInfo.InvariantCulture));
                break;
            case EventTypes.AccessDenied:
                unit = unit with { DeniedInWindow = OnDenied(e, source) };
                break;
        }

        _units[e.DeviceId] = unit;
    }

    /// <summary>Counts a denial; from the threshold on, each denial of the burst is one trigger of the one alert.</summary>
    private int OnDenied(DoorEvent e, AlertSource source)
    {
        if (!_denied.TryGetValue(e.DeviceId, out var window))
        {
            window = new DeniedWindow();
            _denied[e.DeviceId] = window;
        }

        var ts = e.At.ToUnixTimeMilliseconds();
        var span = (long)_options.DeniedBurstWindow.TotalMilliseconds;
        if (window.InBurst && ts > window.Times.Max() + span)
        {
            window.InBurst = false; // The previous burst ended; the engine resolves its alert after the quiet window.
        }

        window.Times.Add(ts);
        var newest = window.Times.Max();
        window.Times.RemoveAll(t => t < newest - span);
        var inWindow = window.Times.Count(t => t >= ts - span && t <= ts + span);
        if (window.InBurst)
        {
            Raise(e, source, Denied, AlertLevel.Yellow, "连续刷卡被拒", "Repeated access denied", inWindow);
        }
        else if (inWindow >= _options.DeniedBurstThreshold)
        {
            window.InBurst = true;
            // The denials before the threshold are handed over now, so the alert's count is the number of denials.
            for (var i = 0; i < inWindow; i++)
            {
                Raise(e, source, Denied, AlertLevel.Yellow, "连续刷卡被拒", "Repeated access denied", inWindow);
            }
        }

        return window.Times.Count;
    }

    private void Raise(DoorEvent e, AlertSource source, string type, AlertLevel level, string titleZh, string titleEn, int? denied = null)
    {
        var device = devices.Get(e.DeviceId)?.Device;
        var zh = BilingualName.Zh(device?.Name ?? e.DeviceId);
        var en = BilingualName.En(device?.Name ?? e.DeviceId);
        var door = e.Door is null ? "" : $" ({e.Door})";
        // Local time, as on the guard's watch (the community's offset, the one CAP uses too).
        var at = e.At.ToOffset(alertOptions.Value.Cap.UtcOffset).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var extraZh = denied is { } n ? string.Create(CultureInfo.InvariantCulture, $"，{_options.DeniedBurstWindow.TotalMinutes:0.#} 分钟内被拒 {n} 次") : "";
        var extraEn = denied is { } m ? string.Create(CultureInfo.InvariantCulture, $"; {m} denied within {_options.DeniedBurstWindow.TotalMinutes:0.#} min") : "";
        // Card and person references are never put in alerts: they travel to terminals and webhooks.
        alerts.Raise(new AlertTrigger(source, type, level, device?.CellId,
            new AlertText($"{titleZh}：{zh}{door}", $"{titleEn}: {en}{door}"),
            new AlertText($"{zh}{door} 于 {at} {titleZh}{extraZh}。", $"{en}{door}: {titleEn.ToLowerInvariant()} at {at}{extraEn}."))
        {
            Area = device?.Lat is { } lat && device.Lon is { } lon ? new AlertArea(lat, lon, RadiusKm: 0.05) : null,
            Category = "Security",
        });
    }

    private sealed class DeniedWindow
    {
        public List<long> Times { get; } = [];

        public bool InBurst { get; set; }
    }
}
