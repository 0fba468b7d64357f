using OpenCvSharp;
using SmartCommunity.Vision.Geometry;

namespace SmartCommunity.Vision.Lines;

/// <summary>A counting line (a shelter door, a bridge entrance) from <see cref="A"/> to <see cref="B"/>.</summary>
public sealed class CountingLineDefinition
{
    public required string Id { get; init; }

    public required Point2f A { get; init; }

    public required Point2f B { get; init; }

    /// <summary>Any point on the "in" side (e.g. inside the shelter); crossing towards it counts as in.</summary>
    public required Point2f InSide { get; init; }

    /// <summary>Hysteresis in pixels: an object is on a side only once it is farther than this from the line,
    /// so jitter on the line never counts. Default 10.</summary>
    public float Margin { get; init; } = 10;

    /// <summary>Labels counted; null means every label. Default <c>person</c>: a track counts once the detector has
    /// classified it (a crossing made before that is held and counted, with its own time, when it is).</summary>
    public IReadOnlyCollection<string>? Labels { get; init; } = [Detection.HogPersonDetector.PersonLabel];

    /// <summary>Count everything that moves across the line, classified or not (overrides <see cref="Labels"/>): for
    /// places where anything that moves is a person, such as a shelter door, and where the detector would miss
    /// people seen from above or half hidden. Default false.</summary>
    public bool MotionOnly { get; init; }

    internal bool Counts(string label) => MotionOnly || Labels is null || Labels.Contains(label);

    /// <summary>Point of the box that must cross. Default bottom-centre (the feet).</summary>
    public ReferencePoint ReferencePoint { get; init; } = ReferencePoint.BottomCentre;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Id);
        if (A == B)
        {
            throw new ArgumentException($"Line {Id} needs two different end points.", nameof(B));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Margin);
    }
}
