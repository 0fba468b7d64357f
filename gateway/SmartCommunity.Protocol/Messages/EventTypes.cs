using System.Collections.Frozen;

namespace SmartCommunity.Protocol.Messages;

/// <summary>Event types per device kind (docs/protocol.md, "Events").</summary>
public static class EventTypes
{
    // Door-access units.
    public const string AccessGranted = "access_granted";
    public const string AccessDenied = "access_denied";
    public const string DoorForced = "door_forced";
    public const string DoorHeld = "door_held";
    public const string Tamper = "tamper";
    public const string Duress = "duress";
    public const string PowerLoss = "power_loss";
    public const string PowerRestored = "power_restored";
    public const string Passage = "passage";

    // Cameras.
    public const string MotionStart = "motion_start";
    public const string MotionEnd = "motion_end";
    public const string ZoneEnter = "zone_enter";
    public const string ZoneLeave = "zone_leave";
    public const string LineCross = "line_cross";
    public const string VideoLoss = "video_loss";

    // Water-level stations.
    public const string ThresholdReport = "threshold_report";

    // Any device.
    public const string Fault = "fault";

    public const string DirectionIn = "in";
    public const string DirectionOut = "out";

    private static readonly FrozenDictionary<DeviceKind, FrozenSet<string>> ByKind = new Dictionary<DeviceKind, string[]>
    {
        [DeviceKind.DoorAccess] = [AccessGranted, AccessDenied, DoorForced, DoorHeld, Tamper, Duress, PowerLoss, PowerRestored, Passage, Fault],
        [DeviceKind.Camera] = [MotionStart, MotionEnd, ZoneEnter, ZoneLeave, LineCross, VideoLoss, Tamper, Fault],
        [DeviceKind.WaterLevelStation] = [ThresholdReport, PowerLoss, PowerRestored, Tamper, Fault],
        [DeviceKind.WarningDevice] = [Tamper, PowerLoss, PowerRestored, Fault],
    }.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenSet(StringComparer.Ordinal));

    public static bool IsKnownFor(DeviceKind kind, string type) => ByKind.TryGetValue(kind, out var set) && set.Contains(type);

    public static IReadOnlyCollection<string> For(DeviceKind kind) => ByKind.TryGetValue(kind, out var set) ? set : [];
}
