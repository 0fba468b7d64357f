namespace SmartCommunity.Protocol.Messages;

/// <summary>The kinds of device that speak the protocol. Their wire names are in <see cref="DeviceKinds"/>.</summary>
public enum DeviceKind
{
    /// <summary>A 雪亮 camera (or its edge box): health telemetry, video events.</summary>
    Camera,

    /// <summary>A water-level station at a hazardous spot or on a river reach: level (m), flow (m³/s).</summary>
    WaterLevelStation,

    /// <summary>A door-access unit: access events, alarms, passages in/out.</summary>
    DoorAccess,

    /// <summary>A loudspeaker, siren or warning sign at a spot (语音驱离): receives commands, acknowledges them.</summary>
    WarningDevice,
}

public static class DeviceKinds
{
    public static string ToWireName(this DeviceKind kind) => kind switch
    {
        DeviceKind.Camera => "camera",
        DeviceKind.WaterLevelStation => "water-level",
        DeviceKind.DoorAccess => "door-access",
        DeviceKind.WarningDevice => "warning-device",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown device kind."),
    };

    public static bool TryParse(string? wireName, out DeviceKind kind)
    {
        switch (wireName)
        {
            case "camera": kind = DeviceKind.Camera; return true;
            case "water-level": kind = DeviceKind.WaterLevelStation; return true;
            case "door-access": kind = DeviceKind.DoorAccess; return true;
            case "warning-device": kind = DeviceKind.WarningDevice; return true;
            default: kind = default; return false;
        }
    }

    public static IReadOnlyList<string> WireNames { get; } = ["camera", "water-level", "door-access", "warning-device"];
}
