using OpenCvSharp;

namespace SmartCommunity.Vision.Geometry;

/// <summary>Which point of an object's box stands for the object when testing zones and lines.</summary>
public enum ReferencePoint
{
    /// <summary>Middle of the bottom edge: where a person's feet touch the ground, so a head above a zone's edge
    /// does not count as inside (Frigate judges zones the same way).</summary>
    BottomCentre,

    Centre,
}

public static class BoxPoints
{
    public static Point2f Of(Rect box, ReferencePoint point) => point switch
    {
        ReferencePoint.Centre => new Point2f(box.X + (box.Width / 2f), box.Y + (box.Height / 2f)),
        _ => new Point2f(box.X + (box.Width / 2f), box.Y + box.Height),
    };

    public static double IoU(Rect a, Rect b)
    {
        var i = a & b;
        if (i.Width <= 0 || i.Height <= 0)
        {
            return 0;
        }

        double inter = i.Width * (double)i.Height;
        return inter / ((a.Width * (double)a.Height) + (b.Width * (double)b.Height) - inter);
    }

    /// <summary>Even-odd ray casting; points on an edge may land either side, which inertia smooths out.</summary>
    public static bool InPolygon(ReadOnlySpan<Point2f> polygon, Point2f p)
    {
        var inside = false;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
        {
            var a = polygon[i];
            var b = polygon[j];
            if ((a.Y > p.Y) != (b.Y > p.Y) && p.X < ((b.X - a.X) * (p.Y - a.Y) / (b.Y - a.Y)) + a.X)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}
