using System.Globalization;
using System.Net;
using SmartCommunity.Sl651.Framing;
using SmartCommunity.Sl651.Reports;
using SmartCommunity.Sl651.Server;

namespace SmartCommunity.EdgeAgent.Drivers.Sl651;

/// <summary>
/// Settings of one <c>sl651</c> device (its <c>Settings</c> section). Devices with the same <see cref="ListenAddress"/>
/// and <see cref="Port"/> share one listener; their listener settings must then agree.
/// </summary>
public sealed class Sl651DriverSettings
{
    /// <summary>Address the listener binds to. Default <c>0.0.0.0</c>.</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>TCP port the RTUs connect to. Default 5005.</summary>
    public int Port { get; set; } = 5005;

    /// <summary>
    /// Station addresses (10 hex digits as sent, e.g. <c>0012345678</c>) whose reports are this device's. Required.
    /// Usually one; a second covers e.g. a replaced RTU that still reports under its old address.
    /// </summary>
    public string[]? Stations { get; set; }

    /// <summary>Elements (hex identifiers) tried in order for <c>level_m</c>. Default <c>39</c> (Z, river level); a reservoir station uses <c>3B</c> (ZU).</summary>
    public string[]? LevelElements { get; set; }

    /// <summary>Elements tried in order for <c>flow_m3s</c>. Default <c>27</c> (Q).</summary>
    public string[]? FlowElements { get; set; }

    /// <summary>Elements tried in order for <c>rain_mm</c>. Default <c>20</c> (PJ, current rainfall), then <c>26</c> (PT, accumulated).</summary>
    public string[]? RainElements { get; set; }

    /// <summary>Elements tried in order for <c>battery_v</c>. Default <c>38</c> (VT, supply voltage).</summary>
    public string[]? BatteryElements { get; set; }

    /// <summary>Zone of the stations' clocks, hours from UTC. Default 8 (Beijing time). Listener setting.</summary>
    public double StationUtcOffsetHours { get; set; } = 8;

    /// <summary>Ask RTUs to stay connected after an ack (ESC) instead of hanging up (EOT). Default false. Listener setting.</summary>
    public bool StayOnline { get; set; }

    /// <summary>
    /// A report whose send time is further than this many minutes from the agent's clock is still delivered and
    /// acknowledged, and then the station is told the time (SL 651 function 4A, set clock; issue 16). Default 5; 0 never
    /// sets a station's clock. The agent's own clock must be right (NTP) for this. Listener setting.
    /// </summary>
    public double SetClockWhenOffByMinutes { get; set; } = 5;

    /// <summary>Silent connections are closed after this many seconds. Default 300. Listener setting.</summary>
    public double IdleTimeoutSeconds { get; set; } = 300;

    /// <summary>Connections served at once. Default 256. Listener setting.</summary>
    public int MaxConnections { get; set; } = 256;

    internal IReadOnlyList<Sl651StationAddress> StationAddresses() =>
        [.. (Stations ?? []).Select(Sl651StationAddress.Parse).Distinct()];

    internal Sl651ElementMapping ElementMapping() => new(
        ParseElements(LevelElements, Sl651Elements.RiverWaterLevel),
        ParseElements(FlowElements, Sl651Elements.InstantaneousFlow),
        ParseElements(RainElements, Sl651Elements.CurrentRainfall, Sl651Elements.AccumulatedRainfall),
        ParseElements(BatteryElements, Sl651Elements.SupplyVoltage));

    internal Sl651ServerOptions ServerOptions() => new()
    {
        ListenAddress = ListenAddress,
        Port = Port,
        MaxConnections = MaxConnections,
        IdleTimeout = TimeSpan.FromSeconds(IdleTimeoutSeconds),
        StationUtcOffset = TimeSpan.FromHours(StationUtcOffsetHours),
        AckEndChar = StayOnline ? Sl651ControlChars.Esc : Sl651ControlChars.Eot,
        SetClockWhenOffBy = SetClockWhenOffByMinutes > 0 ? TimeSpan.FromMinutes(SetClockWhenOffByMinutes) : null,
    };

    /// <summary>What is wrong with these settings, or <see langword="null"/>.</summary>
    internal string? Problem()
    {
        if (Stations is not { Length: > 0 })
        {
            return "Stations is empty; list the station address(es) of this device, e.g. \"Stations\": [\"0012345678\"].";
        }

        foreach (var station in Stations)
        {
            if (station is not { Length: 10 } || !ulong.TryParse(station, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _))
            {
                return $"Stations: '{station}' is not a station address (10 hex digits, e.g. 0012345678).";
            }
        }

        if (!IPAddress.TryParse(ListenAddress, out _))
        {
            return $"ListenAddress '{ListenAddress}' is not an IP address.";
        }

        if (Port is < 1 or > IPEndPoint.MaxPort)
        {
            return $"Port {Port} must be between 1 and {IPEndPoint.MaxPort}.";
        }

        if (StationUtcOffsetHours is < -14 or > 14 || IdleTimeoutSeconds is <= 0 or > 86_400 || MaxConnections < 1)
        {
            return "StationUtcOffsetHours must be within ±14, IdleTimeoutSeconds within (0, 86400] and MaxConnections at least 1.";
        }

        if (!(SetClockWhenOffByMinutes is >= 0 and <= 1440))
        {
            return "SetClockWhenOffByMinutes must be 0 (never set station clocks) to 1440 (a day).";
        }

        foreach (var (name, list) in new[] { ("LevelElements", LevelElements), ("FlowElements", FlowElements), ("RainElements", RainElements), ("BatteryElements", BatteryElements) })
        {
            foreach (var id in list ?? [])
            {
                if (!TryParseElement(id, out _))
                {
                    return $"{name}: '{id}' is not an element identifier (2 hex digits, or FFxx).";
                }
            }
        }

        return null;
    }

    private static int[] ParseElements(string[]? configured, params int[] defaults) =>
        configured is { Length: > 0 } ? [.. configured.Select(id => TryParseElement(id, out var value) ? value : throw new InvalidOperationException($"'{id}' is not an element identifier."))] : defaults;

    private static bool TryParseElement(string? id, out int value)
    {
        value = 0;
        return id is { Length: 2 } or { Length: 4 } && int.TryParse(id, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value)
            && (id.Length == 2 || value >> 8 == 0xFF);
    }
}
