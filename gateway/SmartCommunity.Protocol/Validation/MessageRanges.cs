using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Protocol.Validation;

/// <summary>Per-kind field rules: which fields a kind must send and the physical ranges that are plausible.</summary>
internal static class MessageRanges
{
    // Water level against a station datum may be an elevation (黄海高程) of a mountain reservoir; a few
    // thousand metres is the ceiling, and a datum below the sensor gives small negatives.
    private const double MinLevelM = -100;
    private const double MaxLevelM = 9000;

    // The largest river floods on record are ~100 000 m³/s; anything past 500 000 is a fault.
    private const double MaxFlowM3s = 500_000;

    internal readonly record struct Problem(RejectReason Reason, string Text);

    public static Problem? CheckTelemetry(TelemetryMessage m, DeviceKind kind)
    {
        if (kind == DeviceKind.WaterLevelStation && m.LevelM is null && m.FlowM3s is null)
        {
            return new(RejectReason.InvalidField, "Water-level telemetry needs 'level_m' (metres) or 'flow_m3s'.");
        }

        if (m.LevelM is { } level && !(level >= MinLevelM && level <= MaxLevelM))
        {
            return new(RejectReason.OutOfRange, $"Field 'level_m' = {level} is outside {MinLevelM}..{MaxLevelM} m.");
        }

        if (m.FlowM3s is { } flow && !(flow >= 0 && flow <= MaxFlowM3s))
        {
            return new(RejectReason.OutOfRange, $"Field 'flow_m3s' = {flow} is outside 0..{MaxFlowM3s} m³/s.");
        }

        if (m.RainMm is { } rain && !(rain >= 0 && rain <= 2000))
        {
            return new(RejectReason.OutOfRange, $"Field 'rain_mm' = {rain} is outside 0..2000 mm.");
        }

        if (m.BatteryV is { } volts && !(volts >= 0 && volts <= 100))
        {
            return new(RejectReason.OutOfRange, $"Field 'battery_v' = {volts} is outside 0..100 V.");
        }

        if (m.TemperatureC is { } temp && !(temp >= -60 && temp <= 120))
        {
            return new(RejectReason.OutOfRange, $"Field 'temperature_c' = {temp} is outside -60..120 °C.");
        }

        if (m.Fps is { } fps && !(fps >= 0 && fps <= 240))
        {
            return new(RejectReason.OutOfRange, $"Field 'fps' = {fps} is outside 0..240.");
        }

        if (m.BitrateKbps is { } kbps && !(kbps >= 0 && kbps <= 1_000_000))
        {
            return new(RejectReason.OutOfRange, $"Field 'bitrate_kbps' = {kbps} is outside 0..1 000 000.");
        }

        if (m.InTotal is < 0 || m.OutTotal is < 0)
        {
            return new(RejectReason.OutOfRange, "Fields 'in_total' and 'out_total' must not be negative.");
        }

        return null;
    }

    public static Problem? CheckEvent(EventMessage m, DeviceKind kind, ValidationLimits limits)
    {
        if (string.IsNullOrEmpty(m.Type))
        {
            return new(RejectReason.InvalidField, "Field 'type' is missing.");
        }

        if (!EventTypes.IsKnownFor(kind, m.Type))
        {
            return new(RejectReason.InvalidField, $"Event type '{Truncate(m.Type)}' is not one a {kind.ToWireName()} sends ({string.Join(", ", EventTypes.For(kind))}).");
        }

        if (m.Direction is not (null or EventTypes.DirectionIn or EventTypes.DirectionOut))
        {
            return new(RejectReason.InvalidField, "Field 'direction' must be \"in\" or \"out\".");
        }

        if (m.Type is EventTypes.Passage or EventTypes.LineCross && m.Direction is null)
        {
            return new(RejectReason.InvalidField, $"Event '{m.Type}' needs 'direction' (\"in\" or \"out\").");
        }

        if (m.Type == EventTypes.LineCross && string.IsNullOrEmpty(m.Line))
        {
            return new(RejectReason.InvalidField, "Event 'line_cross' needs 'line'.");
        }

        if (m.Type is EventTypes.ZoneEnter or EventTypes.ZoneLeave && string.IsNullOrEmpty(m.Zone))
        {
            return new(RejectReason.InvalidField, $"Event '{m.Type}' needs 'zone'.");
        }

        if (m.Count is { } count && (count < 1 || count > 10_000))
        {
            return new(RejectReason.OutOfRange, $"Field 'count' = {count} is outside 1..10 000.");
        }

        if (m.Confidence is { } confidence && !(confidence >= 0 && confidence <= 1))
        {
            return new(RejectReason.OutOfRange, $"Field 'confidence' = {confidence} is outside 0..1.");
        }

        if (m.LevelM is { } level && !(level >= MinLevelM && level <= MaxLevelM))
        {
            return new(RejectReason.OutOfRange, $"Field 'level_m' = {level} is outside {MinLevelM}..{MaxLevelM} m.");
        }

        if (TooLong(m.Detail, limits) || TooLong(m.Snapshot, limits) || TooLong(m.Card, 64) || TooLong(m.Person, 64)
            || TooLong(m.Door, 64) || TooLong(m.Zone, 64) || TooLong(m.Line, 64) || TooLong(m.Label, 64))
        {
            return new(RejectReason.OutOfRange, "A text field is longer than its limit (IDs 64, detail and snapshot " + limits.MaxTextLength + " characters).");
        }

        return null;
    }

    private static bool TooLong(string? value, ValidationLimits limits) => value is not null && value.Length > limits.MaxTextLength;

    private static bool TooLong(string? value, int max) => value is not null && value.Length > max;

    private static string Truncate(string value) => value.Length <= 32 ? value : value[..32] + "…";
}
