using OpenCvSharp;
using SmartCommunity.Vision.Lines;
using SmartCommunity.Vision.Zones;

namespace SmartCommunity.Vision.Hosting;

/// <summary>
/// Zones and counting lines are drawn on the picture as fractions of its width and height (0–1), so they survive a
/// change of resolution; the pipeline works in detect-resolution pixels. These turn one into the other.
/// </summary>
public static class FractionalRegions
{
    /// <summary>The pixel of a fractional point; 1.0 is the frame's far edge (a polygon drawn to the edge keeps it).</summary>
    public static Point2f ToPixels(double x, double y, int width, int height)
    {
        if (!(double.IsFinite(x) && double.IsFinite(y) && x is >= 0 and <= 1 && y is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"Point ({x}, {y}) is not a fraction of the picture (0–1).");
        }

        return new Point2f((float)(x * width), (float)(y * height));
    }

    /// <summary>
    /// A zone at detect resolution. Danger-water zones get <see cref="ZoneDefinition.Water"/>: persons only and the
    /// persistence window against reflections; other zones the default inertia.
    /// </summary>
    public static ZoneDefinition Zone(string id, bool dangerWater, IEnumerable<(double X, double Y)> polygon, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(polygon);
        Point2f[] pixels = [.. polygon.Select(p => ToPixels(p.X, p.Y, width, height))];
        var zone = dangerWater ? ZoneDefinition.Water(id, pixels) : new ZoneDefinition { Id = id, Polygon = pixels };
        zone.Validate();
        return zone;
    }

    /// <summary>A counting line at detect resolution; crossing towards <paramref name="inSide"/> counts as in; a
    /// <paramref name="motionOnly"/> line counts everything that moves, persons or not.</summary>
    public static CountingLineDefinition Line(string id, (double X, double Y) a, (double X, double Y) b, (double X, double Y) inSide, int width, int height, bool motionOnly = false)
    {
        var line = new CountingLineDefinition
        {
            Id = id,
            A = ToPixels(a.X, a.Y, width, height),
            B = ToPixels(b.X, b.Y, width, height),
            InSide = ToPixels(inSide.X, inSide.Y, width, height),
            MotionOnly = motionOnly,
        };
        line.Validate();
        return line;
    }
}
