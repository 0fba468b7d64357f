using System.Globalization;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.VideoAnalysis;
using SmartCommunity.Gb28181.Manscdp;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>
/// Alarm notifications (GB/T 28181-2016 §9.4, A.2.5 "报警通知") into the ingest pipeline as camera events, so alerts,
/// bookmarks and footage links work as for an MQTT camera. Mapped by AlarmMethod (A.2.5 Table: 2 device alarm,
/// 5 video alarm, 6 device fault) and the AlarmType in Info: video loss → <c>video_loss</c>, tamper → <c>tamper</c>,
/// motion detection → <c>motion_start</c>, tripwire → <c>line_cross</c>, intrusion → <c>zone_enter</c>, device fault →
/// <c>fault</c>. The alarm's DeviceID must be the device that sent it or one of its channels; a priority, method or type
/// outside the standard's values, or a combination without a camera event, is refused and counted. The device's
/// AlarmTime (local time without zone, and device clocks drift) is kept in the detail; the event takes the receive time.
/// </summary>
public sealed class GbAlarms(DeviceRegistry devices, VideoAnalysisService events, Gb28181Metrics metrics, TimeProvider time, ILogger<GbAlarms> logger)
{
    public const int MaxDescription = 200;

    /// <summary>Handles one alarm; true when it became a camera event (the device is answered Result OK), false when refused (ERROR).</summary>
    public async Task<bool> HandleAsync(ManscdpMessage alarm, string senderId)
    {
        var target = devices.Get(alarm.DeviceId)?.Device;
        if (target is null || (alarm.DeviceId != senderId && target.Attributes.GetValueOrDefault(CatalogSync.ParentAttribute) != senderId))
        {
            metrics.Refused("alarm-foreign-device"); // Never let one device raise events for another.
            return false;
        }

        if (!SmallInt(alarm.Field("AlarmPriority"), 1, 4, out _) || !SmallInt(alarm.Field("AlarmMethod"), 1, 7, out var method))
        {
            metrics.Refused("alarm-bad-field");
            return false;
        }

        var typeText = alarm.Root.Element("Info")?.Element("AlarmType")?.Value.Trim() ?? alarm.Field("AlarmType");
        var type = 0;
        if (typeText is not null && !SmallInt(typeText, 1, 99, out type))
        {
            metrics.Refused("alarm-bad-field");
            return false;
        }

        var message = Map(method, type);
        if (message is null)
        {
            metrics.Refused("alarm-unmapped");
            return false;
        }

        var detail = Printable($"GB/T 28181 alarm method {method} type {type} at {Printable(alarm.Field("AlarmTime") ?? "?", 32)}: {alarm.Field("AlarmDescription")}", MaxDescription);
        message = message with { Ts = time.GetUtcNow().ToUnixTimeMilliseconds(), Detail = detail };
        if (!await events.PublishEventAsync(alarm.DeviceId, message, CancellationToken.None).ConfigureAwait(false))
        {
            metrics.Refused("alarm-ingest-refused");
            logger.LogWarning("GB/T 28181 alarm of {Device} refused by the ingest", alarm.DeviceId);
            return false;
        }

        metrics.Message("Alarm");
        return true;
    }

    /// <summary>A camera event for the alarm, or null when the standard's alarm has none.</summary>
    private static EventMessage? Map(int method, int type) => (method, type) switch
    {
        (2, 1) => new EventMessage { Type = EventTypes.VideoLoss },
        (2, 2) => new EventMessage { Type = EventTypes.Tamper },
        (5, 2) => new EventMessage { Type = EventTypes.MotionStart },
        (5, 5) => new EventMessage { Type = EventTypes.LineCross, Line = "gb28181-tripwire", Direction = EventTypes.DirectionIn },
        (5, 6) => new EventMessage { Type = EventTypes.ZoneEnter, Zone = "gb28181-intrusion" },
        (6, _) => new EventMessage { Type = EventTypes.Fault },
        _ => null,
    };

    private static bool SmallInt(string? text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static string Printable(string text, int max)
    {
        var clean = new string([.. text.Where(c => !char.IsControl(c))]).Trim();
        return clean.Length > max ? clean[..max] : clean;
    }
}
