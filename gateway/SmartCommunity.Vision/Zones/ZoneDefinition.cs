using OpenCvSharp;
using SmartCommunity.Vision.Geometry;

namespace SmartCommunity.Vision.Zones;

/// <summary>A polygon in detect-resolution pixels where presence matters (a danger-water edge, a shelter door).</summary>
public sealed class ZoneDefinition
{
    public required string Id { get; init; }

    /// <summary>At least three corners, in detect-resolution pixels.</summary>
    public required IReadOnlyList<Point2f> Polygon { get; init; }

    /// <summary>Consecutive frames inside before an object has "entered" (inertia). Default 3.</summary>
    public int EnterFrames { get; init; } = 3;

    /// <summary>Consecutive frames outside before an object has "left". Default 5.</summary>
    public int LeaveFrames { get; init; } = 5;

    /// <summary>Persistence window in frames: the object must be inside this many consecutive frames before it
    /// counts as in the zone. Raises <see cref="EnterFrames"/> for zones where brief false objects are common.
    /// Default 0 (off).</summary>
    public int PersistenceFrames { get; init; }

    /// <summary>Persistence window in time: the object must have been inside continuously for this long.
    /// Default zero (off).</summary>
    public TimeSpan PersistenceTime { get; init; }

    /// <summary>Labels this zone reacts to; null means every label. Default null.</summary>
    public IReadOnlyCollection<string>? Labels { get; init; }

    /// <summary>Point of the box tested against the polygon. Default bottom-centre (the feet).</summary>
    public ReferencePoint ReferencePoint { get; init; } = ReferencePoint.BottomCentre;

    /// <summary>
    /// A danger-water zone: persons only, and a persistence window of 10 frames and 2 s, because ripples and
    /// reflections on water make person-shaped detections that last a frame or two.
    /// </summary>
    public static ZoneDefinition Water(string id, IReadOnlyList<Point2f> polygon) => new()
    {
        Id = id,
        Polygon = polygon,
        Labels = ["person"],
        PersistenceFrames = 10,
        PersistenceTime = TimeSpan.FromSeconds(2),
    };

    internal int FramesToEnter => Math.Max(EnterFrames, PersistenceFrames);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Id);
        if (Polygon is null || Polygon.Count < 3)
        {
            throw new ArgumentException($"Zone {Id} needs a polygon of at least three points.", nameof(Polygon));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EnterFrames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LeaveFrames);
        ArgumentOutOfRangeException.ThrowIfNegative(PersistenceFrames);
    }
}
