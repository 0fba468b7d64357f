using SmartCommunity.Protocol.Messages;
using SmartCommunity.Vision.Events;

namespace SmartCommunity.Vision.Hosting;

/// <summary>
/// Turns a <see cref="VisionEvent"/> into the camera event of docs/protocol.md, the same way in the gateway and in a
/// camera's edge agent. The envelope's <c>seq</c> and <c>boot</c> are left 0: the publisher numbers messages.
/// </summary>
public static class VisionEventMapping
{
    public static string TypeOf(VisionEventKind kind) => kind switch
    {
        VisionEventKind.MotionStart => EventTypes.MotionStart,
        VisionEventKind.MotionEnd => EventTypes.MotionEnd,
        VisionEventKind.ZoneEnter => EventTypes.ZoneEnter,
        VisionEventKind.ZoneLeave => EventTypes.ZoneLeave,
        VisionEventKind.LineCross => EventTypes.LineCross,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown vision event kind."),
    };

    /// <param name="visionEvent">What the pipeline saw.</param>
    /// <param name="snapshot">Where the event's picture is served, or null when none was kept.</param>
    public static EventMessage ToEventMessage(VisionEvent visionEvent, string? snapshot)
    {
        ArgumentNullException.ThrowIfNull(visionEvent);
        var zoneEvent = visionEvent.Kind is VisionEventKind.ZoneEnter or VisionEventKind.ZoneLeave;
        var lineEvent = visionEvent.Kind == VisionEventKind.LineCross;
        return new EventMessage
        {
            Ts = visionEvent.Timestamp.ToUnixTimeMilliseconds(),
            Type = TypeOf(visionEvent.Kind),
            Zone = zoneEvent ? visionEvent.RegionId : null,
            Line = lineEvent ? visionEvent.RegionId : null,
            Direction = visionEvent.Direction switch
            {
                CrossingDirection.In => EventTypes.DirectionIn,
                CrossingDirection.Out => EventTypes.DirectionOut,
                _ => null,
            },
            Track = visionEvent.TrackId,
            Label = visionEvent.Label,
            Confidence = visionEvent.Confidence is { } score ? Confidence(score) : null,
            Snapshot = snapshot,
        };
    }

    /// <summary>
    /// The protocol wants 0–1; HOG gives an SVM margin (0.3 at our cut-off, 1–3 for clear people, unbounded). 1 − e^−m
    /// keeps the order and the scale readable: 0.3 → 0.26, 1 → 0.63, 2 → 0.86, 3 → 0.95. Not a probability.
    /// </summary>
    public static double Confidence(float margin) =>
        float.IsFinite(margin) && margin > 0 ? Math.Round(1 - Math.Exp(-margin), 3) : 0;
}
