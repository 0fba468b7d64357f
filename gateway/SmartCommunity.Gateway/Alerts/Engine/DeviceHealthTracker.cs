namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>What the tracker decided for one device.</summary>
internal enum DeviceHealthAction
{
    /// <summary>Offline past the grace period: raise <c>device_offline</c>.</summary>
    RaiseOffline,

    /// <summary>Short outages, but too many of them in the window: raise <c>device_offline</c> as flapping.</summary>
    RaiseFlapping,

    /// <summary>Online again for the recovery hold: resolve.</summary>
    Resolve,
}

internal sealed record DeviceHealthDecision(string DeviceId, DeviceHealthAction Action, string Cause, int Outages);

/// <summary>
/// Grace period and flap suppression for device presence, as Nagios/Zabbix do for host checks: a disconnect
/// raises only when the device is still offline after <see cref="DeviceHealthOptions.OfflineGrace"/> (a reboot, a
/// Wi-Fi blip, a disconnect and its last-will arriving ms apart are one quiet event); a device that drops
/// <see cref="DeviceHealthOptions.FlapThreshold"/> times within <see cref="DeviceHealthOptions.FlapWindow"/>
/// raises once as flapping even if each outage was short; and a raised alert resolves only after the device has
/// stayed online for <see cref="DeviceHealthOptions.RecoveryHold"/>, so a flapping device is one alert, not a
/// raise and resolve per reconnect. Not thread-safe: the caller holds one lock. Time is passed in.
/// </summary>
internal sealed class DeviceHealthTracker(DeviceHealthOptions options)
{
    private readonly Dictionary<string, State> _devices = new(StringComparer.Ordinal);

    public void Offline(string deviceId, string cause, DateTimeOffset at)
    {
        var state = Get(deviceId);
        state.OnlineSince = null;
        state.Settled = false;
        if (state.OfflineSince is not null)
        {
            return; // The second report of one outage (disconnect, then its last will).
        }

        state.OfflineSince = at;
        state.Cause = cause;
        state.Outages.Enqueue(at);
    }

    public void Online(string deviceId, DateTimeOffset at)
    {
        var state = Get(deviceId);
        state.OfflineSince = null;
        state.OnlineSince ??= at;
    }

    /// <summary>Decisions that fell due by <paramref name="now"/>; each device's alert is raised or resolved once.</summary>
    public List<DeviceHealthDecision> Due(DateTimeOffset now)
    {
        var decisions = new List<DeviceHealthDecision>();
        foreach (var (id, state) in _devices)
        {
            while (state.Outages.TryPeek(out var first) && first < now - options.FlapWindow)
            {
                state.Outages.Dequeue();
            }

            if (!state.Raised)
            {
                if (state.OfflineSince is { } since && now - since >= options.OfflineGrace)
                {
                    state.Raised = true;
                    decisions.Add(new DeviceHealthDecision(id, DeviceHealthAction.RaiseOffline, state.Cause, state.Outages.Count));
                }
                else if (state.Outages.Count >= options.FlapThreshold)
                {
                    state.Raised = true;
                    decisions.Add(new DeviceHealthDecision(id, DeviceHealthAction.RaiseFlapping, state.Cause, state.Outages.Count));
                }
            }

            if (!state.Settled && state.OnlineSince is { } up && now - up >= options.RecoveryHold)
            {
                // Also when this tracker raised nothing: an alert may be open from before a restart (resolving none is a no-op).
                state.Settled = true;
                if (state.Raised)
                {
                    state.Raised = false;
                    state.Outages.Clear();
                }

                decisions.Add(new DeviceHealthDecision(id, DeviceHealthAction.Resolve, "online", 0));
            }
        }

        // Devices with nothing pending are forgotten, so the table holds only devices in trouble.
        foreach (var (id, state) in _devices.Where(d => d.Value is { Raised: false, OfflineSince: null, Settled: true } && d.Value.Outages.Count == 0).ToList())
        {
            _devices.Remove(id);
        }

        return decisions;
    }

    private State Get(string deviceId)
    {
        if (!_devices.TryGetValue(deviceId, out var state))
        {
            state = new State();
            _devices[deviceId] = state;
        }

        return state;
    }

    private sealed class State
    {
        public DateTimeOffset? OfflineSince { get; set; }

        public DateTimeOffset? OnlineSince { get; set; }

        public string Cause { get; set; } = "";

        public Queue<DateTimeOffset> Outages { get; } = new();

        public bool Raised { get; set; }

        /// <summary>Online for the recovery hold and its resolve sent.</summary>
        public bool Settled { get; set; }
    }
}
