namespace SmartCommunity.Protocol.Messages;

/// <summary>
/// Periodic readings from a device on <c>sc/v1/dev/{id}/telemetry</c>. Fields a device kind does not have are left out.
/// Units are part of the names: metres, cubic metres per second, millimetres, volts, dBm, degrees Celsius.
/// </summary>
public sealed record TelemetryMessage : IDeviceMessage
{
    public int V { get; init; } = ProtocolVersion.Current;

    public long Ts { get; init; }

    public long Seq { get; init; }

    public long Boot { get; init; }

    /// <summary>
    /// Set by the gateway, never read from the payload: the device's own <c>ts</c> when it was implausible
    /// (clock_suspect, docs/protocol.md) and <see cref="Ts"/> was replaced by the receive time; null otherwise.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long? DeviceTs { get; init; }

    /// <summary>Water level in metres against the station's datum (water-level stations).</summary>
    public double? LevelM { get; init; }

    /// <summary>Flow in m³/s (stations that measure it, e.g. below a dam).</summary>
    public double? FlowM3s { get; init; }

    /// <summary>Rain in the last interval, millimetres.</summary>
    public double? RainMm { get; init; }

    /// <summary>Supply or battery voltage in volts.</summary>
    public double? BatteryV { get; init; }

    /// <summary>Radio signal strength in dBm.</summary>
    public int? SignalDbm { get; init; }

    /// <summary>Enclosure or water temperature in °C.</summary>
    public double? TemperatureC { get; init; }

    /// <summary>Camera: frames per second the stream currently delivers.</summary>
    public double? Fps { get; init; }

    /// <summary>Camera: stream bitrate in kbit/s.</summary>
    public double? BitrateKbps { get; init; }

    /// <summary>Door unit: cumulative count of passages inward since boot.</summary>
    public long? InTotal { get; init; }

    /// <summary>Door unit: cumulative count of passages outward since boot.</summary>
    public long? OutTotal { get; init; }
}
