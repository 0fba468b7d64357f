using OpenCvSharp;

namespace SmartCommunity.Vision.Events;

public enum VisionEventKind
{
    MotionStart,
    MotionEnd,
    ZoneEnter,
    ZoneLeave,
    LineCross,
}

/// <summary>Which way a track crossed a counting line, relative to the line's "in" side.</summary>
public enum CrossingDirection
{
    In,
    Out,
}

/// <summary>
/// Something the vision pipeline noticed. The gateway maps these to its own protocol; fields that do not apply to
/// a kind are null.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="CameraId">The camera's id as given to the pipeline.</param>
/// <param name="Timestamp">Time of the frame that raised it (from the pipeline's TimeProvider).</param>
/// <param name="RegionId">Zone id for zone events, line id for <see cref="VisionEventKind.LineCross"/>.</param>
/// <param name="TrackId">The object's track, for zone and line events.</param>
/// <param name="Direction">For <see cref="VisionEventKind.LineCross"/>.</param>
/// <param name="Label">Object label, e.g. <c>person</c>.</param>
/// <param name="Confidence">Detector score of the object's latest detection (HOG SVM margin, not a probability).</param>
/// <param name="Box">Object (or, for motion, the first motion region) in detect-resolution pixels.</param>
/// <param name="Dwell">For <see cref="VisionEventKind.ZoneLeave"/>: time between entering and leaving.</param>
public sealed record VisionEvent(
    VisionEventKind Kind,
    string CameraId,
    DateTimeOffset Timestamp,
    string? RegionId = null,
    long? TrackId = null,
    CrossingDirection? Direction = null,
    string? Label = null,
    float? Confidence = null,
    Rect? Box = null,
    TimeSpan? Dwell = null);
